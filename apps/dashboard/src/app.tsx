import { InboxPage } from './approvals/inbox-page.tsx';
import { useWaitingCount } from './approvals/use-waiting-count.ts';
import { ComparePage } from './compare/compare-page.tsx';
import { ConnectPage } from './connection/connect-page.tsx';
import { ConnectionChip } from './connection/connection-chip.tsx';
import { LoginNotice } from './connection/login-notice.tsx';
import { EconomicsPage } from './economics/economics-page.tsx';
import { EditorPage } from './editor/editor-page.tsx';
import { LibraryPage } from './library/library-page.tsx';
import { hrefFor, type Route } from './route.ts';
import { useRoute } from './router.ts';
import { RunPage } from './run/run-page.tsx';
import { RunInputsHost } from './run-inputs/run-inputs-dialog.tsx';
import { RunsPage } from './runs/runs-page.tsx';
import { ConfirmHost } from './ui/confirm.tsx';
import { ThemePicker } from './ui/theme-picker.tsx';

const tabs: Array<{ label: string; route: Route }> = [
  { label: 'Editor', route: { page: 'editor' } },
  { label: 'DAGs', route: { page: 'dags' } },
  { label: 'Runs', route: { page: 'runs' } },
  { label: 'Approvals', route: { page: 'approvals' } },
];

const Page = ({ route }: { route: Route }) => {
  switch (route.page) {
    case 'editor':
      return (
        <EditorPage
          {...(route.dagId !== undefined && { dagId: route.dagId })}
          {...(route.version !== undefined && { version: route.version })}
        />
      );
    case 'dags':
      return (
        <LibraryPage
          {...(route.where !== undefined && { where: route.where })}
          {...(route.dagId !== undefined && { dagId: route.dagId })}
        />
      );
    case 'economics':
      return <EconomicsPage where={route.where} dagId={route.dagId} />;
    case 'runs':
      return <RunsPage />;
    case 'run':
      return <RunPage mode={route.mode} runId={route.runId} />;
    case 'compare':
      return <ComparePage mode={route.mode} a={route.a} b={route.b} />;
    case 'approvals':
      return <InboxPage />;
    case 'connect':
      return <ConnectPage />;
  }
};

export const App = () => {
  const route = useRoute();
  const waiting = useWaitingCount();
  return (
    <div className="lf-shell">
      <header className="lf-top">
        <span className="lf-brand">laneflow</span>
        <nav>
          {tabs.map((t) => (
            <a
              key={t.label}
              href={hrefFor(t.route)}
              aria-current={
                t.route.page === (route.page === 'economics' ? 'dags' : route.page) ? 'page' : undefined
              }
            >
              {t.label}
              {t.route.page === 'approvals' && waiting > 0 && (
                <span
                  className="lf-nav-count"
                  data-testid="waiting-count"
                  title={`${waiting} waiting for a decision`}
                >
                  {waiting}
                </span>
              )}
            </a>
          ))}
        </nav>
        <span className="lf-spacer" />
        <ThemePicker />
        <ConnectionChip />
      </header>
      <main className="lf-main">
        <LoginNotice />
        <Page route={route} />
      </main>
      <ConfirmHost />
      <RunInputsHost />
    </div>
  );
};
