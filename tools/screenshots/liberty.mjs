// Screenshots of Open Liberty's Admin Center for docs/admin-console.md: the login, the Server Config tool
// on server.xml, and the pages where the connection factory, its pool (connectionManager) and the resource
// adapter's properties are edited. Drives the Debian chromium headless through playwright-core.
//
//   ./run                                          # the glm4v server, Admin Center on https://127.0.0.1:9443
//   cd tools/screenshots && npm install && node liberty.mjs
//
// Settings (environment): GLM4V_ADMIN_URL (https://127.0.0.1:9443), GLM4V_ADMIN_USER (admin),
// GLM4V_ADMIN_PASSWORD (glm4v-admin), OUT (../../docs/images), CHROMIUM (/usr/bin/chromium).
// It only looks: nothing is saved in Server Config.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const base = (process.env.GLM4V_ADMIN_URL || 'https://127.0.0.1:9443').replace(/\/$/, '');
const user = process.env.GLM4V_ADMIN_USER || 'admin';
const password = process.env.GLM4V_ADMIN_PASSWORD || 'glm4v-admin';
const out = resolve(process.env.OUT || join(here, '../../docs/images'));
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const profile = mkdtempSync(join(tmpdir(), 'glm4v-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--ignore-certificate-errors'],
  ignoreHTTPSErrors: true,          // Liberty's self-signed certificate
  viewport: { width: 1400, height: 900 },
});

async function shot(page, name, clip) {
  const file = join(out, `liberty-${name}.png`);
  await page.screenshot({ path: file, clip });
  const kb = Math.round(statSync(file).size / 1024);
  console.log(`${file} (${kb} KB)`);
  if (kb > 300) {
    throw new Error(`${file} is ${kb} KB; keep screenshots under 300 KB`);
  }
}

try {
  const page = context.pages()[0] || await context.newPage();

  // 1. the login page, then the toolbox
  await page.goto(`${base}/adminCenter/`);
  await page.fill('#j_username', user);
  await page.fill('#j_password', password);
  await shot(page, 'login', { x: 440, y: 130, width: 520, height: 470 });   // the form, not the photo around it
  await page.click('#loginButton');
  await page.waitForLoadState('networkidle');
  await page.waitForSelector('text=Server Config', { timeout: 60_000 });
  await page.waitForTimeout(1000);
  await shot(page, 'toolbox');

  // 2. the Explore tool: the application, with Restart (what brings it back after a bad value was fixed)
  await page.goto(`${base}/adminCenter/#explore/apps`);
  let explore;
  for (let i = 0; i < 120 && !explore; i++) {
    await page.waitForTimeout(500);
    explore = page.frames().find(f => f.url().includes('/explore-1.0'));
  }
  if (!explore) {
    throw new Error('the Explore tool did not open');
  }
  const actions = explore.locator('img[alt="Application glm4v actions"]').first();
  await actions.waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  await actions.click();
  await page.waitForTimeout(1500);                 // the menu: Start, Restart, Stop
  await shot(page, 'explore-restart', { x: 0, y: 0, width: 700, height: 420 });

  // 3. the Server Config tool: the configuration files
  await page.goto(`${base}/adminCenter/#serverConfig`);
  let tool;
  for (let i = 0; i < 120 && !tool; i++) {
    await page.waitForTimeout(500);
    tool = page.frames().find(f => f.url().includes('/serverConfig-1.0/'));
  }
  if (!tool) {
    throw new Error('the Server Config tool did not open');
  }
  const serverXml = tool.locator('a', { hasText: 'server.xml' }).first();
  await serverXml.waitFor({ timeout: 60_000 });
  await shot(page, 'server-config-files');

  // 4. server.xml in the Design view
  await serverXml.click();
  await tool.waitForSelector('#editorTree .editorTreeNode', { timeout: 60_000 });

  /** The tree node with this label (and suffix, e.g. an id); expands it first when asked. */
  const node = (label, suffix) => {
    let n = tool.locator('#editorTree .editorTreeNode')
      .filter({ has: tool.locator('.editorTreeNodeLabel', { hasText: new RegExp(`^${label}$`) }) });
    if (suffix) {
      n = n.filter({ has: tool.locator('.editorTreeNodeSuffix', { hasText: suffix }) });
    }
    return n.first();
  };
  async function select(label, suffix) {
    const n = node(label, suffix);
    await n.scrollIntoViewIfNeeded();
    await n.locator('.editorTreeNodeLabel').click();
    await tool.waitForTimeout(700);
  }
  async function expand(label, suffix) {
    const n = node(label, suffix);
    await n.scrollIntoViewIfNeeded();
    if ((await n.getAttribute('aria-expanded')) !== 'true') {
      await n.locator('.editorTreeNodeExpandButton').click();
      await tool.waitForTimeout(500);
    }
  }

  // the connection factory: JNDI name eis/glm4v
  await select('Connection Factory', 'glm4vConnectionFactory');
  await shot(page, 'connection-factory');

  // its pool: the nested connectionManager (maxPoolSize, connectionTimeout)
  await expand('Connection Factory', 'glm4vConnectionFactory');
  await select('Connection Manager');
  await shot(page, 'connection-manager');

  // the value behind ${glm4v.pool.maxSize}: the Value field wins over the default (and the environment)
  await select('Variable Declaration', 'glm4v.pool.maxSize');
  await shot(page, 'pool-variable');

  // the resource adapter, nested in the application; its properties are variables too (glm4v.devices, ...)
  await expand('Enterprise Application', 'glm4v');
  await select('Resource Adapter', 'glm4v-ra');
  await shot(page, 'resource-adapter');
  await select('Variable Declaration', 'glm4v.devices');
  await shot(page, 'devices-variable');

  // Server Config does not know the element properties.glm4v.glm4v-ra (Liberty generates it for the
  // application's adapter): the Source view shows and edits it, here at <enterpriseApplication>
  await tool.locator('a, button', { hasText: /^Source$/ }).first().click();
  await tool.waitForTimeout(1500);
  // the line of <enterpriseApplication in the file as the server has it (the same file API Server Config uses)
  const auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  const file = await context.request.get(`${base}/IBMJMXConnectorREST/file/${encodeURIComponent('${server.config.dir}/server.xml')}`,
    { headers: { Authorization: auth } });
  const line = (await file.text()).split('\n').findIndex(l => l.includes('<enterpriseApplication'));
  if (line < 0) {
    throw new Error('server.xml has no <enterpriseApplication>');
  }
  // the Source view is Orion's text view: scroll its scroller by lines
  const moved = await tool.evaluate(top => {
    const scroller = document.querySelector('.textviewScroll');
    const row = document.querySelector('.textviewContent > div');
    if (!scroller || !row) {
      return false;
    }
    scroller.scrollTop = Math.max(0, top - 3) * row.getBoundingClientRect().height;
    return true;
  }, line);
  if (!moved) {
    throw new Error('the Source view has no Orion text view to scroll');
  }
  await tool.waitForTimeout(700);
  await shot(page, 'adapter-properties-source');

  // an edit as an operator makes it: Save lights up (this script does not press it)
  await tool.locator('a, button', { hasText: /^Design$/ }).first().click();
  await tool.waitForTimeout(1000);
  await select('Variable Declaration', 'glm4v.pool.maxSize');
  const value = tool.locator('#editorForm input').nth(2);   // Name, Value, Default value: the guide edits Default value
  await value.click();
  await value.fill('4');
  await value.press('Tab');
  await tool.waitForTimeout(500);
  await shot(page, 'pool-edit');

} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
