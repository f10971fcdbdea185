import { hrefFor } from '../route.ts';

/** A link to a DAG that is not (or no longer) in the store: says so, and offers ways on. */
export const MissingDag = ({ dagId, where }: { dagId: string; where: string }) => (
  <section className="lf-page lf-empty-page" aria-labelledby="missing-title" data-testid="missing-dag">
    <h1 id="missing-title">No DAG called “{dagId}”</h1>
    <p>
      There is no DAG with this id in {where}. It may have been deleted, or the link may be mistyped or meant
      for another server.
    </p>
    <p className="lf-actions">
      <a className="lf-button primary" href={hrefFor({ page: 'dags' })}>
        Open the DAG library
      </a>
      <a className="lf-button" href={hrefFor({ page: 'editor' })}>
        Back to the editor
      </a>
    </p>
  </section>
);
