import { laneStyles, projectRun, validateDag } from '@laneflow/core';
import { exampleDags } from '@laneflow/examples';
import { describe, expect, it } from 'vitest';
import { NODE_PAINT, nodeAt, type Scene, type SceneStyle, sceneEdges, tint } from '../src/graph/scene.ts';
import { laneIconPaths } from '../src/lanes/lane-icon.tsx';
import { createGraphModel } from '../src/run/graph-model.ts';
import { runSceneNodes } from '../src/run/run-scene.ts';
import { dag, scenario } from './fixtures.tsx';

describe('canvas scene', () => {
  const style: SceneStyle = { stroke: '#000000', fill: '#ffffff', ink: '#0f172a' };
  const scene: Scene = {
    nodes: [
      { id: 'a', x: 0, y: 0, w: 100, h: 50, label: 'a', style },
      { id: 'b', x: 200, y: 0, w: 100, h: 50, label: 'b', style },
    ],
    edges: [],
  };

  it('finds the node under a point, and nothing between nodes', () => {
    expect(nodeAt(scene, { x: 10, y: 10 })?.id).toBe('a');
    expect(nodeAt(scene, { x: 300, y: 50 })?.id).toBe('b');
    expect(nodeAt(scene, { x: 150, y: 10 })).toBeUndefined();
    expect(nodeAt(scene, { x: 10, y: 51 })).toBeUndefined();
  });

  it('tints a colour over white as an opaque colour', () => {
    expect(tint('#2563eb', 0)).toBe('rgb(255, 255, 255)');
    expect(tint('#2563eb', 1)).toBe('rgb(37, 99, 235)');
    expect(tint('#000000', 0.25)).toBe('rgb(191, 191, 191)');
  });

  it('tints over a dark base for the dark theme', () => {
    expect(tint('#ffffff', 0, '#1f2937')).toBe('rgb(31, 41, 55)');
    expect(tint('#ffffff', 0.5, '#000000')).toBe('rgb(128, 128, 128)');
  });

  it("paints each run node in its lane's colour and icon, lineage edges dashed in purple", () => {
    const { view } = scenario();
    const { nodes, edges } = createGraphModel(dag)(view, undefined);
    const painted = runSceneNodes(nodes, 'light');
    const dark = runSceneNodes(nodes, 'dark');
    for (const [i, n] of painted.entries()) {
      // In the dark theme the same lane colour borders a dark box with light text.
      expect(dark[i]?.style.stroke).toBe(n.style.stroke);
      expect(dark[i]?.style.ink).toBe(NODE_PAINT.dark.ink);
      expect(dark[i]?.style.fill).not.toBe(n.style.fill);
      const lane = view.nodes.get(n.id)?.lane;
      expect(lane).toBeDefined();
      if (!lane) continue;
      expect(n.style.stroke).toBe(laneStyles[lane].color);
      expect(n.style.icon).toBe(laneIconPaths[lane]);
      expect(n.style.dashed).toBe(laneStyles[lane].dashed);
    }
    const lineage = sceneEdges(edges).find((e) => e.target === 'draft@2');
    expect(lineage).toMatchObject({ source: 'draft', stroke: '#9333ea', dashed: true });
  });
});

describe('run graph model', () => {
  it('shows every DAG node from the first frame, as queued until its signals arrive', () => {
    const { signals } = scenario();
    const { nodes } = createGraphModel(dag)(projectRun(signals.slice(0, 1)), undefined);
    expect(nodes.map((n) => n.id)).toEqual(dag.nodes.map((n) => n.id));
    for (const n of nodes) expect(n.data.node.lane).toBe('queued');
  });

  it('keeps its edge list while no node is added, and adds lineage edges as children appear', () => {
    const { signals } = scenario();
    const cut = signals.findIndex((s) => s.type === 'node.queued' && s.nodeId === 'draft@2');
    const view = projectRun(signals.slice(0, cut));
    const model = createGraphModel(dag);
    const first = model(view, undefined).edges;
    expect(model(view, undefined).edges).toBe(first);
    expect(first.some((e) => e.target === 'draft@2')).toBe(false);

    const grown = projectRun(signals);
    const withChild = model(grown, undefined).edges;
    expect(withChild).not.toBe(first);
    expect(withChild.filter((e) => e.target === 'draft@2')).toHaveLength(1);
    expect(model(grown, 'draft').edges).toBe(withChild);
    // Another view (a replay scrubbed back) starts over: no edge to a child it does not have.
    expect(model(view, undefined).edges.some((e) => e.target === 'draft@2')).toBe(false);
  });
});

describe('example templates', () => {
  it('are valid DAGs (the editor lists them without validating at load)', () => {
    for (const raw of exampleDags) expect(validateDag(raw).ok).toBe(true);
  });
});
