export const InboxPage = () => <div className="lf-page">Approvals</div>;
