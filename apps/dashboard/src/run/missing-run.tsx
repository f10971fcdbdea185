import { hrefFor } from '../route.ts';
import { MissingPage } from '../ui/missing-page.tsx';

/** A link to a run that is not in the store it names. */
export const MissingRun = ({ runId, where }: { runId: string; where: string }) => (
  <MissingPage
    testId="missing-run"
    title={`No run “${runId}”`}
    links={[
      { href: hrefFor({ page: 'runs' }), text: 'Open the runs list' },
      { href: hrefFor({ page: 'editor' }), text: 'Back to the editor' },
    ]}
  >
    There is no run with this id in {where}. The link may be mistyped, or meant for another server or another
    browser.
  </MissingPage>
);
