import { Link } from 'react-router';

export function NotFound() {
  return (
    <>
      <h1>No such page</h1>
      <p>
        Go to the <Link to="/accounts">accounts</Link>.
      </p>
    </>
  );
}
