export const RunsPage = () => <div className="lf-page">Runs</div>;
