/**
 * The demo shop's data: one user, a few orders, sessions and refunds, in memory.
 * One store per app instance, so tests and parallel demos never share state.
 */
import { randomBytes } from 'node:crypto';

/** Demo credentials. The demo command puts the secrets in the environment for `${secret:…}`. */
export const DEMO_EMAIL = 'qa@example.com';
export const DEMO_PASSWORD = 'demo-password';
export const DEMO_API_TOKEN = 'demo-token';

export interface User {
  readonly email: string;
  readonly name: string;
}

export interface OrderItem {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly price: number;
}

export interface Order {
  /** A string, so journeys can compare it with a `{{ capture }}` without type juggling. */
  readonly id: string;
  readonly placedAt: string;
  readonly status: 'delivered' | 'shipped' | 'processing';
  readonly currency: 'USD';
  readonly items: readonly OrderItem[];
  readonly total: number;
}

export interface Refund {
  readonly id: string;
  readonly orderId: string;
  readonly amount: number;
  readonly status: 'requested' | 'pending';
  readonly createdAt: string;
}

const USER: User = { email: DEMO_EMAIL, name: 'QA Tester' };

function order(id: string, placedAt: string, status: Order['status'], items: OrderItem[]): Order {
  const total = items.reduce((sum, item) => sum + item.quantity * item.price, 0);
  return { id, placedAt, status, currency: 'USD', items, total };
}

const ORDERS: readonly Order[] = [
  order('1001', '2026-11-02', 'delivered', [
    { sku: 'KB-01', name: 'Mechanical keyboard', quantity: 1, price: 95 },
    { sku: 'MP-02', name: 'Mouse pad', quantity: 1, price: 25 },
  ]),
  order('1002', '2026-11-09', 'shipped', [{ sku: 'CB-07', name: 'USB-C cable', quantity: 3, price: 15.5 }]),
  order('1003', '2026-11-15', 'processing', [{ sku: 'MN-27', name: '27" monitor', quantity: 1, price: 310 }]),
];

const MAX_KEPT = 1000;

export interface DemoStore {
  readonly orders: readonly Order[];
  findOrder(id: string): Order | undefined;
  checkPassword(email: string, password: string): User | undefined;
  userForToken(token: string): User | undefined;
  openSession(user: User): string;
  userForSession(sid: string): User | undefined;
  addRefund(refund: Omit<Refund, 'id' | 'createdAt'>): Refund;
  /** The newest refund, optionally of one order (journeys running side by side each use their own order). */
  latestRefund(orderId?: string): Refund | undefined;
}

export function createDemoStore(): DemoStore {
  const sessions = new Map<string, User>();
  const refunds: Refund[] = [];
  let nextRefund = 5001;
  return {
    orders: ORDERS,
    findOrder: (id) => ORDERS.find((o) => o.id === id),
    checkPassword: (email, password) =>
      email.trim().toLowerCase() === USER.email && password === DEMO_PASSWORD ? USER : undefined,
    userForToken: (token) => (token === DEMO_API_TOKEN ? USER : undefined),
    openSession(user) {
      const sid = randomBytes(16).toString('hex');
      sessions.set(sid, user);
      // Scheduled journeys sign in on every run: drop the oldest sessions past a cap.
      if (sessions.size > MAX_KEPT) sessions.delete(sessions.keys().next().value as string);
      return sid;
    },
    userForSession: (sid) => sessions.get(sid),
    addRefund(fields) {
      const refund: Refund = { id: `rf-${nextRefund++}`, createdAt: new Date().toISOString(), ...fields };
      refunds.push(refund);
      // A canary runs every few minutes against the same process: keep memory bounded.
      if (refunds.length > MAX_KEPT) refunds.shift();
      return refund;
    },
    latestRefund: (orderId) => refunds.findLast((r) => orderId === undefined || r.orderId === orderId),
  };
}
