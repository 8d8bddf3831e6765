/** 文号 · 发文机关 · 日期, leaving out what the document does not have. */
export function DocMeta({
  docNumber,
  issuer,
  date,
  className = 'doc-meta',
}: {
  docNumber: string | null;
  issuer: string | null;
  date: string | null;
  className?: string;
}) {
  const parts = [
    docNumber && <span key="n" className="doc-number">{docNumber}</span>,
    issuer && <span key="i">{issuer}</span>,
    date && (
      <time key="d" dateTime={date}>
        {date}
      </time>
    ),
  ].filter(Boolean);
  if (parts.length === 0) return null;
  return <p className={className}>{parts}</p>;
}
