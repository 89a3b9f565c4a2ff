/* How much going through memory costs a float loop: mandelbrot's inner loop written three
 * ways, each storing every result into its slot as a trace does (the slots stay the truth at
 * exits), and differing in where the next operation reads its operands from:
 *
 *   0  slots: every operand is loaded from its slot (what the JIT does today, with the float
 *      cache facc forwarding the previous result only)
 *   2  zr and zi, the values carried from one iteration to the next, also in registers
 *   4  zr, zi, zr*zr and zi*zi in registers
 *
 * A compiler barrier after each store keeps the compiler from reusing loaded values, as
 * stencils cannot. Build and run (not part of the test suite; times vary between runs):
 *
 *   gcc -O2 -o /tmp/slot_latency bench/kernels/slot_latency.c
 *   for m in 0 2 4; do /tmp/slot_latency 1600 $m; done
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BARRIER() __asm__ volatile("" ::: "memory")

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SIZE MODE (MODE 0, 2 or 4: values kept in registers)\n", argv[0]);
    return 2;
  }
  const int n = atoi(argv[1]), mode = atoi(argv[2]);
  if (n <= 0 || (mode != 0 && mode != 2 && mode != 4)) {
    fprintf(stderr, "SIZE must be positive and MODE 0, 2 or 4\n");
    return 2;
  }
  volatile double limit = 4.0;
  /* the slots: zr, zi, zr2, zi2, cr, ci, and two temporaries */
  enum { ZR, ZI, ZR2, ZI2, CR, CI, T1, T2, NSLOTS };
  double *slot = calloc(NSLOTS, sizeof *slot);
  if (slot == NULL) return 1;
  long inside = 0;
  const double start = seconds();
  for (int y = 0; y < n; y++) {
    for (int x = 0; x < n; x++) {
      const double cr = 2.0 * x / n - 1.5, ci = 2.0 * y / n - 1.0;
      slot[ZR] = slot[ZI] = slot[ZR2] = slot[ZI2] = 0.0;
      slot[CR] = cr;
      slot[CI] = ci;
      BARRIER();
      double zr = 0.0, zi = 0.0, zr2 = 0.0, zi2 = 0.0, acc;
      int escaped = 0;
      for (int k = 0; k < 50 && !escaped; k++) {
        /* zi = 2 * zr * zi + ci */
        acc = (mode ? zr : slot[ZR]) * 2.0; slot[T1] = acc; BARRIER();
        acc = acc * (mode ? zi : slot[ZI]); slot[T2] = acc; BARRIER();
        zi = acc + slot[CI]; slot[ZI] = zi; BARRIER();
        /* zr = zr2 - zi2 + cr */
        acc = (mode == 4 ? zr2 : slot[ZR2]) - (mode == 4 ? zi2 : slot[ZI2]); slot[T2] = acc; BARRIER();
        zr = acc + slot[CR]; slot[ZR] = zr; BARRIER();
        /* zr2 = zr * zr, zi2 = zi * zi (the square reads zr from the previous result) */
        zr2 = zr * zr; slot[ZR2] = zr2; BARRIER();
        zi2 = mode ? zi * zi : slot[ZI] * slot[ZI]; slot[ZI2] = zi2; BARRIER();
        acc = (mode == 4 ? zr2 : slot[ZR2]) + zi2; slot[T2] = acc; BARRIER();
        escaped = acc > limit;
      }
      inside += !escaped;
    }
  }
  printf("mode %d: %ld points inside, %.3f s\n", mode, inside, seconds() - start);
  free(slot);
  return 0;
}
