/* timeline_stats: the few statistics a timeline keeps with flat memory: a
 * uniform reservoir sample of at most TIMELINE_SAMPLE values (a fixed seed:
 * the same log gives the same report), and percentiles by selection
 * (linear on average) rather than by sorting. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "timeline_reader.h"

double timeline_percentile(const double *sorted, size_t n, double p) {
  if (!n) return 0;
  double rank = p / 100.0 * (double)(n - 1);
  size_t lo = (size_t)rank;
  double frac = rank - (double)lo;
  return lo + 1 < n ? sorted[lo] * (1 - frac) + sorted[lo + 1] * frac : sorted[lo];
}

/* Keep a uniform sample of at most TIMELINE_SAMPLE values (reservoir
 * sampling with a fixed-seed generator: the same log gives the same report). */
void timeline__sample(Doubles *d, uint64_t *seen, double v) {
  ++*seen;
  if (d->len < TIMELINE_SAMPLE) {
    array_push(d, v);
    return;
  }
  uint64_t x = *seen * 6364136223846793005ull + 1442695040888963407ull;
  uint64_t slot = (x >> 33) % *seen;
  if (slot < TIMELINE_SAMPLE) d->items[slot] = v;
}

/* Put the k-th smallest of a[0..n) at a[k], smaller ones before it and
 * larger ones after (Hoare's quickselect: linear on average). */
static void select_kth(double *a, ptrdiff_t n, ptrdiff_t k) {
  ptrdiff_t lo = 0, hi = n - 1;
  while (lo < hi) {
    double pivot = a[lo + (hi - lo) / 2];
    ptrdiff_t i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        double x = a[i];
        a[i++] = a[j];
        a[j--] = x;
      }
    }
    if (k <= j)
      hi = j;
    else if (k >= i)
      lo = i;
    else
      return;
  }
}

/* timeline_percentile of an unsorted array (reordered): the two order
 * statistics it interpolates between, selected rather than sorted. */
double timeline__percentile_of(double *a, size_t n, double p) {
  double rank = p / 100.0 * (double)(n - 1);
  size_t lo = (size_t)rank;
  select_kth(a, (ptrdiff_t)n, (ptrdiff_t)lo);
  double frac = rank - (double)lo, next = a[lo];
  if (lo + 1 < n) {
    next = a[lo + 1];
    for (size_t i = lo + 2; i < n; i++)
      if (a[i] < next) next = a[i];
  }
  return a[lo] * (1 - frac) + next * frac;
}
