app_name = "levers"

urlpatterns: list = []
