import { Component, type ReactNode } from 'react';

/**
 * Keeps a chart's failure (its code chunk could not be fetched, say after a redeploy) to the chart:
 * the page and the chart's table stay. A class, as React catches render errors only in one.
 */
export class ChartBoundary extends Component<{ children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (this.state.error)
      return (
        <p className="lf-muted" role="status">
          The chart could not be shown ({this.state.error.message}); its numbers are in the table below.
        </p>
      );
    return this.props.children;
  }
}
