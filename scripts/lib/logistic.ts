/**
 * Logistic regression by Newton's method (iteratively reweighted least squares) with a small L2
 * penalty: exact and quick for the handful of features the fitting scripts use.
 * Returns [bias, ...weights] for P(y = 1 | x) = 1 / (1 + e^-(bias + w · x)).
 */
export function fitLogistic(rows: readonly (readonly number[])[], labels: readonly boolean[], l2 = 1e-3, iterations = 30): number[] {
  const k = (rows[0]?.length ?? 0) + 1;
  const beta = new Array<number>(k).fill(0);
  const x = (i: number, j: number) => (j === 0 ? 1 : rows[i]![j - 1]!);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = new Array<number>(k).fill(0);
    const hessian = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < rows.length; i++) {
      let z = 0;
      for (let j = 0; j < k; j++) z += beta[j]! * x(i, j);
      const p = 1 / (1 + Math.exp(-z));
      const w = Math.max(p * (1 - p), 1e-9);
      const error = (labels[i] ? 1 : 0) - p;
      for (let a = 0; a < k; a++) {
        gradient[a]! += error * x(i, a);
        for (let b = 0; b < k; b++) hessian[a]![b]! += w * x(i, a) * x(i, b);
      }
    }
    for (let a = 1; a < k; a++) {
      gradient[a]! -= l2 * rows.length * beta[a]!;
      hessian[a]![a]! += l2 * rows.length;
    }
    const step = solve(hessian, gradient);
    let size = 0;
    for (let j = 0; j < k; j++) {
      beta[j]! += step[j]!;
      size += Math.abs(step[j]!);
    }
    if (size < 1e-8) break;
  }
  return beta;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and positive definite). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = m[r]![n]!;
    for (let k = r + 1; k < n; k++) sum -= m[r]![k]! * out[k]!;
    out[r] = sum / m[r]![r]!;
  }
  return out;
}
