import { type ThemeChoice, useTheme } from './theme.ts';

/** System, light or dark, in the top bar. */
export const ThemePicker = () => {
  const choice = useTheme((s) => s.choice);
  const choose = useTheme((s) => s.choose);
  return (
    <select aria-label="Colour theme" value={choice} onChange={(e) => choose(e.target.value as ThemeChoice)}>
      <option value="system">Theme: system</option>
      <option value="light">Theme: light</option>
      <option value="dark">Theme: dark</option>
    </select>
  );
};
