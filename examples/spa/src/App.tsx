import { Link, Route, Routes } from 'react-router';
import { Cart } from './Cart';

export function App() {
  return (
    <>
      <nav>
        <Link to="/">Home</Link> ·{' '}
        <Link to="/cart" data-testid="to-cart">
          Cart
        </Link>
      </nav>
      <Routes>
        <Route path="/" element={<h1>Welcome to the shop</h1>} />
        <Route path="/cart" element={<Cart />} />
      </Routes>
    </>
  );
}
