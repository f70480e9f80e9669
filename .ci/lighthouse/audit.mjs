// Lighthouse's accessibility category for several pages at both form factors, in one
// Chromium (launching one per run would add seconds to each): tests/browser/test_lighthouse.py
// runs it against the test's live server.
//
//   CHROME_PATH=/usr/bin/chromium node .ci/lighthouse/audit.mjs http://127.0.0.1:8000 / /pratiques/
//
// prints one JSON line per page and form factor: {"path", "formFactor", "score" (0-100, or
// null when Lighthouse could not audit the page), "error", "failing": [{"id", "title", "nodes"}]}.
// The form factors are those of the CLI: the default (mobile) and `--preset=desktop`.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";

// The full-page screenshot only illustrates HTML reports: a second per run saved.
const settings = { onlyCategories: ["accessibility"], disableFullPageScreenshot: true };
const FORM_FACTORS = {
  mobile: { extends: "lighthouse:default", settings },
  desktop: { ...desktopConfig, settings: { ...desktopConfig.settings, ...settings } },
};

const [base, ...paths] = process.argv.slice(2);
if (!base || paths.length === 0) {
  console.error("usage: node audit.mjs BASE_URL PATH...");
  process.exit(2);
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  for (const path of paths) {
    for (const [formFactor, config] of Object.entries(FORM_FACTORS)) {
      const { lhr } = await lighthouse(base + path, { port: chrome.port, logLevel: "error" }, config);
      const category = lhr.categories.accessibility;
      const error = lhr.runtimeError?.message || null;
      // A page Lighthouse could not load (an error status, say) has every audit in error.
      const failing = error ? [] : category.auditRefs
        .map((ref) => lhr.audits[ref.id])
        .filter((audit) => audit.scoreDisplayMode === "error" || (audit.score !== null && audit.score < 1))
        .map((audit) => ({
          id: audit.id,
          title: audit.title,
          nodes: (audit.details?.items || []).slice(0, 5).map((item) => item.node?.selector || item.node?.snippet || ""),
        }));
      const score = category.score === null ? null : Math.round(category.score * 100);
      console.log(JSON.stringify({ path, formFactor, score, error, failing }));
    }
  }
} finally {
  await chrome.kill();
}
