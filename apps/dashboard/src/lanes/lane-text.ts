import type { Lane } from '@laneflow/core';

/**
 * The colour of a lane's name as text: a shade of the lane's colour with AA contrast (4.5:1) on the
 * theme's background (styles.css), since several lane colours (amber, slate) are too light for
 * 12 px text. Borders, fills and icons keep the lane colours themselves.
 */
export const laneText = (lane: Lane): string => `var(--lane-text-${lane})`;
