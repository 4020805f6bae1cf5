// Screenshots of Payara Server's Admin Console for docs/admin-console.md: the login, the glm4v
// application's resources, the connector connection pool java:app/glm4v-pool (pool sizes) and the resource
// adapter configuration glm4v#glm4v-ra (the adapter's properties). Drives the Debian chromium headless through
// playwright-core. It only looks: nothing is saved.
//
//   ./run-payara                                    # domain glm4v, Admin Console on http://127.0.0.1:4848
//   cd tools/screenshots && npm install --no-package-lock && node payara.mjs
//   node payara.mjs --apply      # also follows the guide's steps in the console: pool maximum 8 -> 6 and the
//                                # adapter's threadsPerCard 1 -> 2, Save, Reload, and checks GET /api/v1/contexts;
//                                # then puts both back the same way
//
// Settings (environment): GLM4V_PAYARA_CONSOLE_URL (http://127.0.0.1:4848), GLM4V_URL (http://127.0.0.1:8080), GLM4V_ADMIN_USER (admin),
// GLM4V_ADMIN_PASSWORD (glm4v-admin), OUT (../../docs/images), CHROMIUM (/usr/bin/chromium).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const base = (process.env.GLM4V_PAYARA_CONSOLE_URL || 'http://127.0.0.1:4848').replace(/\/$/, '');
const user = process.env.GLM4V_ADMIN_USER || 'admin';
const password = process.env.GLM4V_ADMIN_PASSWORD || 'glm4v-admin';
const out = resolve(process.env.OUT || join(here, '../../docs/images'));
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const api = (process.env.GLM4V_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const apply = process.argv.includes('--apply');
const MAX_KB = 300;
const POOL_PAGE = '/jca/connectorConnectionPoolEdit.jsf?name=java%3Aapp%2Fglm4v-pool&isAppScopedRes=true&appName=glm4v';
const ADAPTER_PAGE = '/jca/resourceAdapterConfigEdit.jsf?name=glm4v%23glm4v-ra';

const profile = mkdtempSync(join(tmpdir(), 'glm4v-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 960 },
});

async function shot(page, name, clip) {
  const file = join(out, `payara-${name}.png`);
  await page.screenshot({ path: file, clip });
  const kb = Math.round(statSync(file).size / 1024);
  console.log(`${file} (${kb} KB)`);
  if (kb > MAX_KB) {
    throw new Error(`${file} is ${kb} KB; keep screenshots under ${MAX_KB} KB`);
  }
}

/** Opens a console page in the content frame's place (the console's pages also work as top-level pages). */
async function open(page, path, waitFor) {
  await page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.waitForSelector(waitFor, { timeout: 120_000 });
  await page.waitForTimeout(500);
}

async function contexts() {
  const r = await fetch(`${api}/api/v1/contexts`);
  return r.ok ? r.json() : { status: r.status };
}

/** Polls GET /api/v1/contexts until the condition holds (60 s at most). */
async function waitFor(condition, what) {
  const deadline = Date.now() + 60_000;
  let c = await contexts().catch(() => ({}));
  while (!condition(c) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    c = await contexts().catch(() => ({}));
  }
  if (!condition(c)) {
    throw new Error(`GET /api/v1/contexts does not show ${what}: ${JSON.stringify(c)}`);
  }
  console.log(`in effect: ${what} (pool ${JSON.stringify(c.pool)}, ${c.contexts.length} context(s) ${c.contexts.map((x) => x.state)})`);
}

/**
 * Presses Save and waits for the console's answer. Saving the adapter's properties is answered with an error
 * banner on Payara 6.2025.10 although the values are saved: Payara stops the running adapter to apply them and
 * then cannot load its classes to list its properties ("Unable to load class ... Glm4vManagedConnectionFactory");
 * the application's Reload that follows starts it again with the new values (docs/admin-console.md).
 */
async function save(page, adapter = false) {
  await page.locator('input[id$=":saveButton"]').first().click();
  const saved = page.locator('text=New values successfully saved');
  const error = page.locator('text=An error has occurred');
  await saved.or(error).first().waitFor({ timeout: 60_000 });
  if (await saved.count() > 0) {
    return;
  }
  const text = await page.locator('body').innerText();
  if (adapter && text.includes('Unable to load class')) {
    console.log('saved; the console reports the stopped adapter ("Unable to load class"), as expected before the Reload');
    return;
  }
  await page.screenshot({ path: join(tmpdir(), 'payara-save-failed.png') });
  throw new Error(`Save failed (page in ${join(tmpdir(), 'payara-save-failed.png')}): ${text.slice(0, 500)}`);
}

/** The guide's steps: the pool's Maximum Pool Size, the adapter's threadsPerCard, Save each, then Reload glm4v. */
async function change(page, maxPoolSize, threadsPerCard) {
  await open(page, POOL_PAGE, 'text=Pool Settings');
  await page.locator('input[id$="maxProp:ds2"]').fill(String(maxPoolSize));
  await save(page);
  await open(page, ADAPTER_PAGE, 'text=Additional Properties');
  await page.locator('xpath=//input[@value="threadsPerCard"]/following::input[@type="text"][1]').fill(threadsPerCard);
  await save(page, true);
  await open(page, '/common/applications/applications.jsf', 'text=glm4v');
  await page.locator('xpath=//a[normalize-space(text())="Reload"]').first().click();
  await page.waitForTimeout(2000);
}

try {
  const page = context.pages()[0] || await context.newPage();

  // 1. the login page; the console's first start after a domain start takes a while
  await page.goto(`${base}/`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
  await page.waitForSelector('input[name="j_username"]', { timeout: 180_000 });
  await page.fill('input[name="j_username"]', user);
  await page.fill('input[name="j_password"]', password);
  await shot(page, 'login', { x: 270, y: 20, width: 740, height: 500 });   // the form, not the empty page
  await Promise.all([page.waitForNavigation({ timeout: 180_000 }), page.click('input[type="submit"], button[type="submit"], #loginButton')]);
  await page.waitForSelector('text=Applications', { timeout: 180_000 });

  // 2. the resource adapter configuration glm4v#glm4v-ra: the adapter's properties
  await open(page, ADAPTER_PAGE, 'text=Additional Properties');
  await shot(page, 'resource-adapter-config');

  // 3. the application's resources and the connection pool java:app/glm4v-pool
  await open(page, '/common/applications/resources/appScopedResources.jsf?appName=glm4v', 'text=glm4v-pool');
  await shot(page, 'application-resources');
  await open(page, POOL_PAGE, 'text=Pool Settings');
  await shot(page, 'connection-pool');
  // the sizes, below the general settings
  await page.locator('text=Pool Settings').first().evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(300);
  await shot(page, 'connection-pool-sizes');

  // 4. the applications, where glm4v is disabled and enabled again to apply changes
  await open(page, '/common/applications/applications.jsf', 'text=glm4v');
  await shot(page, 'applications', { x: 0, y: 0, width: 1280, height: 640 });

  if (apply) {
    const before = await contexts();
    console.log('before:', JSON.stringify({ pool: before.pool, threadsPerCard: before.adapter?.threadsPerCard }));
    await change(page, 6, '2');
    await waitFor((c) => c.pool?.max_size === 6 && c.adapter?.threadsPerCard === '2', 'pool maximum 6, threadsPerCard 2');
    await change(page, 8, '1');
    await waitFor((c) => c.pool?.max_size === 8 && c.adapter?.threadsPerCard === '1', 'pool maximum 8, threadsPerCard 1');
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
