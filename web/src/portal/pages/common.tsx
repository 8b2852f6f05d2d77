import { useI18n } from '../i18n';

export function Loading() {
  return <p role="status">{useI18n().m.loading}</p>;
}

export function Failed({ retry }: { retry: () => void }) {
  const { m } = useI18n();
  return (
    <div role="alert">
      <p>{m.failed}</p>
      <button type="button" onClick={retry}>
        {m.retry}
      </button>
    </div>
  );
}
