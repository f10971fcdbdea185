import { hrefFor } from '../route.ts';
import { MissingPage } from '../ui/missing-page.tsx';

/** A link to a DAG that is not (or no longer) in the store. */
export const MissingDag = ({ dagId, where }: { dagId: string; where: string }) => (
  <MissingPage
    testId="missing-dag"
    title={`No DAG called “${dagId}”`}
    links={[
      { href: hrefFor({ page: 'dags' }), text: 'Open the DAG library' },
      { href: hrefFor({ page: 'editor' }), text: 'Back to the editor' },
    ]}
  >
    There is no DAG with this id in {where}. It may have been deleted, or the link may be mistyped or meant
    for another server.
  </MissingPage>
);
