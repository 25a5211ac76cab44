// The dashboard page in headless Chromium (chromium.mjs) with an operator key in its localStorage,
// as an operator who typed it in sees it: opened, reloaded with the key, two polls rendered.
import { launchChromium } from './chromium.mjs';

export async function openDashboard(origin, operatorKey) {
  const browser = await launchChromium();
  try {
    await browser.navigate(`${origin}/dashboard`);
    await browser.waitFor('document.readyState === "complete"');
    await browser.evaluate(`localStorage.setItem('infergrid.operator_key', '${operatorKey}')`);
    await browser.navigate(`${origin}/dashboard`);
    await browser.waitFor('Number(document.body.dataset.polls) >= 2');
    return browser;
  } catch (failure) {
    await browser.close();
    throw failure;
  }
}
