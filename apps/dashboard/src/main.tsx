import '@xyflow/react/dist/style.css';
import './styles.css';
import { adoptLoginUrl } from './connection/saved.ts';
import { preloadRoute } from './preload.ts';

// This entry is kept tiny so the page's data is requested at once, and the app follows.
adoptLoginUrl()
  .then(() => {
    preloadRoute();
    return import('./start.tsx');
  })
  .catch((err: Error) => {
    document.body.textContent = `laneflow could not load: ${err.message}. Reload the page to try again.`;
  });
