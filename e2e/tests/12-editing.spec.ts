import { canvas, dropKind, expect, screenshot, test } from '../src/fixtures.ts';

test('12 editing: placement, arrowheads, edges from the keyboard, Ctrl+K, copy/paste between DAGs, dangling edges', async ({
  page,
}) => {
  await page.goto('/#/editor');
  await page.getByRole('button', { name: 'New', exact: true }).click();

  // Palette clicks place nodes side by side near the view's centre, never on top of each other.
  for (let i = 0; i < 3; i++) await page.getByTestId('palette-llm').click();
  const boxes = await Promise.all(
    ['llm1', 'llm2', 'llm3'].map(async (id) => page.getByTestId(`editor-node-${id}`).boundingBox()),
  );
  for (const [i, a] of boxes.entries())
    for (const b of boxes.slice(i + 1)) {
      if (!a || !b) throw new Error('node not shown');
      const apart =
        a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      expect(apart).toBe(true);
    }
  // A dropped node is centred under the cursor.
  const pane = await canvas(page).boundingBox();
  if (!pane) throw new Error('no canvas');
  await dropKind(page, 'approval', 150, 120);
  const dropped = await page.getByTestId('editor-node-approval1').boundingBox();
  if (!dropped) throw new Error('dropped node not shown');
  expect(Math.abs(dropped.x + dropped.width / 2 - (pane.x + 150))).toBeLessThan(12);
  expect(Math.abs(dropped.y + dropped.height / 2 - (pane.y + 120))).toBeLessThan(12);

  // An edge from the keyboard, drawn with an arrowhead.
  await page.getByTestId('editor-node-llm1').click();
  await page.getByLabel('Connect to (runs after this node)').selectOption('llm2');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await expect(page.locator('.react-flow__edge path[marker-end]')).toHaveCount(1);

  // Copy two nodes, paste them into another DAG.
  await page.getByTestId('editor-node-llm1').click();
  await page.getByTestId('editor-node-llm2').click({ modifiers: ['Shift'] });
  await page.keyboard.press('Control+c');
  await expect(page.getByRole('status')).toHaveText(
    'Copied 2 nodes. Paste with Ctrl+V, here or in another DAG.',
  );
  await page.getByLabel('Templates').selectOption('research-brief');
  await page.getByRole('alertdialog').getByRole('button', { name: 'Discard edits' }).click();
  await expect(page.getByTestId('editor-node-plan')).toBeVisible();
  await canvas(page).click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Control+v');
  await expect(page.getByRole('status')).toHaveText('Pasted 2 nodes: llm1, llm2.');

  // Ctrl+K finds a node by its label and takes the view to it.
  await page.keyboard.press('Control+k');
  const search = page.getByRole('dialog', { name: 'Find a node' });
  await search.getByLabel('Find a node by id or label').fill('regul');
  await screenshot(page, '12-node-search');
  await page.keyboard.press('Enter');
  await expect(search).toHaveCount(0);
  await expect(page.getByTestId('node-form').getByLabel('Id', { exact: true })).toHaveValue('regulation');
  await expect(page.getByTestId('editor-node-regulation')).toBeInViewport();

  // An edge to a node that does not exist is drawn, named in words, and can be deleted.
  await page.getByTestId('import-file').setInputFiles({
    name: 'dangling.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify({
        id: 'dangling',
        nodes: [{ id: 'plan', kind: 'llm', prompt: 'Plan', position: { x: 0, y: 0 } }],
        edges: [{ source: 'plan', target: 'zzz' }],
      }),
    ),
  });
  await page.getByRole('alertdialog').getByRole('button', { name: 'Discard edits' }).click();
  await expect(page.getByTestId('missing-node-zzz')).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await screenshot(page, '12-dangling-edge');
  await page
    .getByTestId('problems')
    .getByRole('button', { name: 'Edge from plan to zzz points to a node that does not exist.' })
    .click();
  await page.getByTestId('edge-form').getByRole('button', { name: 'Delete edge' }).click();
  await expect(page.locator('.react-flow__edge')).toHaveCount(0);
  await expect(page.getByTestId('missing-node-zzz')).toHaveCount(0);
  await expect(page.getByTestId('validity')).toHaveText('valid');
});

test('12b deleting several nodes asks first; Cancel keeps them, one undo brings them and their edges back', async ({
  page,
}) => {
  await page.goto('/#/editor');
  await expect(page.getByTestId('validity')).toHaveText('valid');
  const edges = page.locator('.react-flow__edge');
  const edgeCount = await edges.count();
  expect(edgeCount).toBeGreaterThan(2);
  await page.getByTestId('editor-node-plan').click();
  await page.getByTestId('editor-node-market').click({ modifiers: ['Shift'] });
  await page.keyboard.press('Delete');
  const ask = page.getByRole('alertdialog');
  await expect(ask).toContainText('Delete 2 nodes?');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('editor-node-plan')).toBeVisible();
  // Both are still selected and the focus is back on the canvas: Delete asks again.
  await page.keyboard.press('Delete');
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete 2 nodes' }).click();
  await expect(page.getByTestId('editor-node-plan')).toHaveCount(0);
  await expect(page.getByTestId('editor-node-market')).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(page.getByTestId('editor-node-plan')).toBeVisible();
  await expect(page.getByTestId('editor-node-market')).toBeVisible();
  await expect(edges).toHaveCount(edgeCount);

  // One connected node: Delete takes it and its edges in one step, and one Undo gives all back.
  await page.getByTestId('editor-node-market').click();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('editor-node-market')).toHaveCount(0);
  expect(await edges.count()).toBeLessThan(edgeCount);
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(page.getByTestId('editor-node-market')).toBeVisible();
  await expect(edges).toHaveCount(edgeCount);
});
