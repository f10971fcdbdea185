import { useState } from 'react';
import { setNotifyOptIn, useNotifyOptIn } from './notifications.ts';

/** Opt in (or out) of a browser notification for each approval that starts waiting. */
export const NotifyToggle = () => {
  const on = useNotifyOptIn();
  const [refused, setRefused] = useState(false);
  if (typeof Notification === 'undefined') return null;
  return (
    <label className="lf-chip">
      <input
        type="checkbox"
        checked={on}
        onChange={async (e) => setRefused(!(await setNotifyOptIn(e.target.checked)) && e.target.checked)}
      />
      Notify me when an approval is waiting
      {refused && <span style={{ color: 'var(--error-text)' }}> · the browser refused</span>}
    </label>
  );
};
