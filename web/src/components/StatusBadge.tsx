import type { DocumentStatus } from '../api.ts';

const CLASS: Record<DocumentStatus, string> = {
  现行有效: 'badge badge-valid',
  已失效: 'badge badge-expired',
  未知: 'badge badge-unknown',
};

export function StatusBadge({ status }: { status: DocumentStatus }) {
  return (
    <span className={CLASS[status] ?? 'badge badge-unknown'} title={`效力状态：${status}`}>
      {status}
    </span>
  );
}
