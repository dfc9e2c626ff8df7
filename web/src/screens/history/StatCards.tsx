// The history's summary cards: total, successful, failed and success rate of the deliveries shown
// (all of them, or those the filters match), counted by the API, not from the page.
import type { ReactNode } from 'react';
import { formatRate } from '../../format.ts';

interface Stats {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
  successRate?: number | null;
}

export function StatCards({ stats, filtered }: { stats: Stats | undefined; filtered: boolean }) {
  return (
    <ul className="stat-cards" aria-label={filtered ? 'Summary of the filtered deliveries' : 'Summary of all deliveries'}>
      <StatCard label="Total Messages" value={stats?.total} testId="stat-total" />
      <StatCard label="Successful" value={stats?.succeeded} testId="stat-succeeded" tone="good" />
      <StatCard label="Failed" value={stats?.failed} testId="stat-failed" tone="bad" />
      <StatCard label="Success Rate" value={stats && formatRate(stats.successRate)} testId="stat-rate">
        {stats && stats.pending > 0 && <span className="muted small">{stats.pending} pending</span>}
      </StatCard>
    </ul>
  );
}

function StatCard(props: { label: string; value: number | string | undefined; testId: string; tone?: 'good' | 'bad'; children?: ReactNode }) {
  return (
    <li className={`card stat ${props.tone ?? ''}`}>
      <span className="stat-label">{props.label}</span>
      <span className="stat-value" data-testid={props.testId}>
        {props.value ?? '—'}
      </span>
      {props.children}
    </li>
  );
}
