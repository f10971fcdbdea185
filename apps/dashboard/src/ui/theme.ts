import { create } from 'zustand';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'laneflow-theme';

const stored = (): ThemeChoice => {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
};

const systemDark = () =>
  typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;

const resolve = (choice: ThemeChoice): 'light' | 'dark' =>
  choice === 'system' ? (systemDark() ? 'dark' : 'light') : choice;

interface ThemeState {
  choice: ThemeChoice;
  /** What is shown: the choice, or the system's preference when the choice is `system`. */
  theme: 'light' | 'dark';
  choose(choice: ThemeChoice): void;
}

const apply = (theme: 'light' | 'dark') => {
  document.documentElement.dataset.theme = theme;
};

/** The colour theme: follows `prefers-color-scheme` until the user picks one, remembered here. */
export const useTheme = create<ThemeState>((set) => ({
  choice: stored(),
  theme: resolve(stored()),
  choose(choice) {
    try {
      if (choice === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, choice);
    } catch {
      // Private mode: the choice lasts as long as the page.
    }
    const theme = resolve(choice);
    apply(theme);
    set({ choice, theme });
  },
}));

/** Sets the theme before the first paint and follows the system's changes while it is chosen. */
export const startTheme = (): void => {
  apply(useTheme.getState().theme);
  if (typeof matchMedia !== 'function') return;
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    const { choice } = useTheme.getState();
    if (choice === 'system') useTheme.getState().choose('system');
  });
};
