/* geometry: the shape of GELU and of one GeGLU unit, drawn as SVG with plain fprintf.
 *   gelu.svg           GELU (erf) and its derivative against ReLU and the tanh approximation;
 *                      below, the difference erf - tanh, magnified
 *   geglu_surface.svg  f(x) = GELU(x.w + b) * (x.v + c) over x in [-3, 3]^2 as a heat map with
 *                      contour lines, without biases and with them: the biases shift the
 *                      valleys and ridges away from the origin
 * Every GELU value comes from geglu_gelu_f32 and every f from geglu_gelu_mul_f32.
 *
 *   cc -O2 -march=native examples/geometry.c -lm -o geometry && ./geometry [OUTPUT_DIR]
 * OUTPUT_DIR defaults to the current directory. rsvg-convert FILE.svg -o FILE.png renders them. */
#define GEGLU_IMPLEMENTATION
#include "../geglu.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""

/* A plot area on the page and the data window it shows. */
typedef struct panel {
    double left, top, width, height;
    double xmin, xmax, ymin, ymax;
} panel;

static double px(const panel *p, double x) { return p->left + (x - p->xmin) / (p->xmax - p->xmin) * p->width; }
static double py(const panel *p, double y) { return p->top + (p->ymax - y) / (p->ymax - p->ymin) * p->height; }

/* A number as SVG text, with a real minus sign. */
static const char *num(char *buf, double v) {
    char tmp[32];
    if (fabs(v) < 1e-12) v = 0.0;
    snprintf(tmp, sizeof tmp, "%g", fabs(v));
    snprintf(buf, 48, "%s%s", v < 0 ? "&#8722;" : "", tmp);
    return buf;
}

static void text(FILE *f, double x, double y, const char *anchor, double size, const char *s) {
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%.0f\" " FONT ">%s</text>\n",
            x, y, anchor, size, s);
}

/* Frame, grid, ticks every xstep / ystep, tick labels and axis labels. */
static void axes(FILE *f, const panel *p, double xstep, double ystep, const char *xlabel,
                 const char *ylabel, int grid) {
    char buf[48];
    double v;
    int i;
    for (i = (int)ceil(p->xmin / xstep - 1e-9); i * xstep <= p->xmax + 1e-9; i++) {
        v = i * xstep;
        if (grid)
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n",
                    px(p, v), p->top, px(p, v), p->top + p->height);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", px(p, v),
                p->top + p->height, px(p, v), p->top + p->height + 5);
        text(f, px(p, v), p->top + p->height + 19, "middle", 13, num(buf, v));
    }
    for (i = (int)ceil(p->ymin / ystep - 1e-9); i * ystep <= p->ymax + 1e-9; i++) {
        v = i * ystep;
        if (grid)
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n",
                    p->left, py(p, v), p->left + p->width, py(p, v));
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
                p->left - 5, py(p, v), p->left, py(p, v));
        text(f, p->left - 8, py(p, v) + 4.5, "end", 13, num(buf, v));
    }
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n",
            p->left, p->top, p->width, p->height);
    text(f, p->left + p->width / 2, p->top + p->height + 40, "middle", 14, xlabel);
    fprintf(f, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" text-anchor=\"middle\" "
               "font-size=\"14\" " FONT ">%s</text>\n",
            p->left - 48, p->top + p->height / 2, ylabel);
}

static void polyline(FILE *f, const panel *p, const float *x, const float *y, int n,
                     const char *style) {
    int i;
    fprintf(f, "<polyline fill=\"none\" %s points=\"", style);
    for (i = 0; i < n; i++) fprintf(f, "%.2f,%.2f%s", px(p, x[i]), py(p, y[i]), i + 1 < n ? " " : "");
    fprintf(f, "\"/>\n");
}

static FILE *open_svg(const char *dir, const char *name, int width, int height) {
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f) {
        perror(path);
        return NULL;
    }
    printf("geometry: writing %s\n", path);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            width, height, width, height);
    return f;
}

static int close_svg(FILE *f) {
    fprintf(f, "</svg>\n");
    return ferror(f) | (fclose(f) != 0);
}

static int check(geglu_status s, const char *what) {
    if (s == GEGLU_OK) return 0;
    fprintf(stderr, "geometry: %s: %s\n", what, geglu_status_string(s));
    return 1;
}

/* ---- (a) GELU, its derivative, ReLU, the tanh form and erf - tanh ---------------------------- */
enum { CURVE_POINTS = 801 };

static int draw_gelu(const char *dir) {
    static float x[CURVE_POINTS], xm[CURVE_POINTS], xp[CURVE_POINTS], erf_y[CURVE_POINTS],
        tanh_y[CURVE_POINTS], ym[CURVE_POINTS], yp[CURVE_POINTS], relu[CURVE_POINTS],
        slope[CURVE_POINTS], diff[CURVE_POINTS];
    const float h = 1.0f / 128.0f; /* central differences: error about 1e-5, far below a pixel */
    panel top = {90, 60, 740, 380, -4, 4, -1, 4}, bottom = {90, 520, 740, 160, -4, 4, -5, 5};
    double dmax = 0.0;
    char label[200], buf[48], buf2[48];
    int i, imin = 0;
    FILE *f;

    for (i = 0; i < CURVE_POINTS; i++) {
        x[i] = -4.0f + 8.0f * (float)i / (CURVE_POINTS - 1);
        xm[i] = x[i] - h;
        xp[i] = x[i] + h;
        relu[i] = x[i] > 0.0f ? x[i] : 0.0f;
    }
    if (check(geglu_gelu_f32(erf_y, x, CURVE_POINTS, GEGLU_GELU_ERF), "geglu_gelu_f32") ||
        check(geglu_gelu_f32(tanh_y, x, CURVE_POINTS, GEGLU_GELU_TANH), "geglu_gelu_f32") ||
        check(geglu_gelu_f32(ym, xm, CURVE_POINTS, GEGLU_GELU_ERF), "geglu_gelu_f32") ||
        check(geglu_gelu_f32(yp, xp, CURVE_POINTS, GEGLU_GELU_ERF), "geglu_gelu_f32"))
        return 1;
    for (i = 0; i < CURVE_POINTS; i++) {
        slope[i] = (yp[i] - ym[i]) / (2.0f * h);
        diff[i] = (erf_y[i] - tanh_y[i]) * 1e4f; /* in units of 10^-4 */
        if (fabs(diff[i]) > dmax) dmax = fabs(diff[i]);
        if (erf_y[i] < erf_y[imin]) imin = i;
    }
    bottom.ymax = ceil(dmax);
    bottom.ymin = -bottom.ymax;

    if (!(f = open_svg(dir, "gelu.svg", 900, 740))) return 1;
    text(f, 450, 32, "middle", 19,
         "GELU(x) = x&#183;&#934;(x): exact (erf) and tanh forms, ReLU, and the slope");
    axes(f, &top, 1, 1, "x", "y", 1);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>\n",
            top.left, py(&top, 0), top.left + top.width, py(&top, 0));
    polyline(f, &top, x, relu, CURVE_POINTS, "stroke=\"#888\" stroke-width=\"2\" stroke-dasharray=\"7 5\"");
    polyline(f, &top, x, slope, CURVE_POINTS, "stroke=\"#1a9850\" stroke-width=\"2\"");
    polyline(f, &top, x, erf_y, CURVE_POINTS, "stroke=\"#2166ac\" stroke-width=\"3.5\"");
    polyline(f, &top, x, tanh_y, CURVE_POINTS, "stroke=\"#f28e2b\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"");
    /* The minimum of GELU, where the gate is most negative. */
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#2166ac\"/>\n", px(&top, x[imin]),
            py(&top, erf_y[imin]));
    snprintf(label, sizeof label, "minimum %s at x = %s", num(buf, floor(erf_y[imin] * 1e3 + 0.5) / 1e3),
             num(buf2, floor(x[imin] * 1e2 + 0.5) / 1e2));
    text(f, px(&top, x[imin]) - 8, py(&top, erf_y[imin]) + 22, "middle", 13, label);

    /* Legend. */
    {
        static const char *const names[4] = {
            "GELU, exact: x&#183;&#189;(1 + erf(x/&#8730;2))", "GELU, tanh approximation",
            "d/dx GELU (exact)", "ReLU: max(0, x)"};
        static const char *const styles[4] = {
            "stroke=\"#2166ac\" stroke-width=\"3.5\"",
            "stroke=\"#f28e2b\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"",
            "stroke=\"#1a9850\" stroke-width=\"2\"",
            "stroke=\"#888\" stroke-width=\"2\" stroke-dasharray=\"7 5\""};
        double lx = top.left + 16, ly = top.top + 16;
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"300\" height=\"98\" fill=\"white\" "
                   "fill-opacity=\"0.9\" stroke=\"#bbb\"/>\n", lx, ly);
        for (i = 0; i < 4; i++) {
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n", lx + 10,
                    ly + 18 + 22 * i, lx + 46, ly + 18 + 22 * i, styles[i]);
            text(f, lx + 54, ly + 23 + 22 * i, "start", 13, names[i]);
        }
    }

    /* The magnified difference. */
    snprintf(label, sizeof label, "the difference, magnified 10&#8308;&#215;: the tanh form is "
             "within %.1f&#183;10&#8315;&#8308; of the exact GELU", dmax);
    text(f, 450, bottom.top - 14, "middle", 15, label);
    axes(f, &bottom, 1, bottom.ymax > 4 ? 2 : 1, "x", "(erf &#8722; tanh) &#215; 10&#8308;", 1);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>\n",
            bottom.left, py(&bottom, 0), bottom.left + bottom.width, py(&bottom, 0));
    polyline(f, &bottom, x, diff, CURVE_POINTS, "stroke=\"#b2182b\" stroke-width=\"2\"");
    return close_svg(f);
}

/* ---- (b) the surface of one GeGLU unit -------------------------------------------------------- */
enum { CELLS = 60, NODES = 121 }; /* heat-map cells and contour-grid nodes per side */
#define HALF 3.0                  /* x in [-HALF, HALF]^2 */
#define COLOR_SOFT 0.25           /* the colour scale is asinh(f / COLOR_SOFT): linear near 0 */

typedef struct unit {
    float w[2], v[2], b, c;
} unit;

/* f at n points (x1[i], x2[i]) through geglu_gelu_mul_f32. */
static int unit_values(const unit *u, const float *x1, const float *x2, size_t n, float *out,
                       float *gate, float *value) {
    size_t i;
    for (i = 0; i < n; i++) {
        gate[i] = x1[i] * u->w[0] + x2[i] * u->w[1] + u->b;
        value[i] = x1[i] * u->v[0] + x2[i] * u->v[1] + u->c;
    }
    return check(geglu_gelu_mul_f32(out, gate, value, n, GEGLU_GELU_ERF), "geglu_gelu_mul_f32");
}

/* A diverging map, blue (negative) through white to red (positive); t in [-1, 1]. */
static void colour(double t, char *out) {
    static const double anchors[7][3] = {{33, 102, 172},  {103, 169, 207}, {209, 229, 240},
                                         {247, 247, 247}, {253, 219, 199}, {239, 138, 98},
                                         {178, 24, 43}};
    double s = (t < -1 ? -1 : t > 1 ? 1 : t) * 3 + 3, fr;
    int k = (int)s, j;
    unsigned rgb[3];
    if (k > 5) k = 5;
    fr = s - k;
    for (j = 0; j < 3; j++) rgb[j] = (unsigned)(anchors[k][j] + fr * (anchors[k + 1][j] - anchors[k][j]) + 0.5);
    sprintf(out, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

static double colour_t(double fval, double fmax) { return asinh(fval / COLOR_SOFT) / asinh(fmax / COLOR_SOFT); }

/* Marching squares: the segments where the grid's values cross level, as one path. */
static void contour(FILE *f, const panel *p, const float *g, double level, const char *style) {
    int i, j, k, started = 0;
    double step = 2 * HALF / (NODES - 1);
    for (j = 0; j + 1 < NODES; j++) {
        for (i = 0; i + 1 < NODES; i++) {
            /* corners counter-clockwise from (i, j): their values and coordinates */
            double val[4], cx[4], cy[4], ex[4], ey[4];
            int n = 0, above[4];
            val[0] = g[j * NODES + i];
            val[1] = g[j * NODES + i + 1];
            val[2] = g[(j + 1) * NODES + i + 1];
            val[3] = g[(j + 1) * NODES + i];
            for (k = 0; k < 4; k++) {
                cx[k] = -HALF + (i + (k == 1 || k == 2)) * step;
                cy[k] = -HALF + (j + (k >= 2)) * step;
                above[k] = val[k] >= level;
            }
            for (k = 0; k < 4; k++) { /* the edge from corner k to corner k+1 */
                int m = (k + 1) & 3;
                if (above[k] != above[m]) {
                    double t = (level - val[k]) / (val[m] - val[k]);
                    ex[n] = cx[k] + t * (cx[m] - cx[k]);
                    ey[n] = cy[k] + t * (cy[m] - cy[k]);
                    n++;
                }
            }
            if (n == 0) continue;
            if (!started) {
                fprintf(f, "<path fill=\"none\" %s d=\"", style);
                started = 1;
            }
            if (n == 4) {
                /* A saddle: pair the crossings so that the centre stays on its own side. The
                   crossings sit on edges 0-1, 1-2, 2-3, 3-0 in that order. */
                double centre = (val[0] + val[1] + val[2] + val[3]) / 4;
                if ((centre >= level) == above[0]) {
                    fprintf(f, "M%.2f %.2fL%.2f %.2fM%.2f %.2fL%.2f %.2f", px(p, ex[0]), py(p, ey[0]),
                            px(p, ex[1]), py(p, ey[1]), px(p, ex[2]), py(p, ey[2]), px(p, ex[3]),
                            py(p, ey[3]));
                } else {
                    fprintf(f, "M%.2f %.2fL%.2f %.2fM%.2f %.2fL%.2f %.2f", px(p, ex[0]), py(p, ey[0]),
                            px(p, ex[3]), py(p, ey[3]), px(p, ex[1]), py(p, ey[1]), px(p, ex[2]),
                            py(p, ey[2]));
                }
            } else {
                fprintf(f, "M%.2f %.2fL%.2f %.2f", px(p, ex[0]), py(p, ey[0]), px(p, ex[1]), py(p, ey[1]));
            }
        }
    }
    if (started) fprintf(f, "\"/>\n");
}

static const double levels[5] = {0.1, 0.3, 1, 3, 10}; /* contours at 0 and at +- these */

/* Labels the line n.x + k = 0 along itself, a little before it leaves the square on the right. */
static void line_label(FILE *f, const panel *p, const float n[2], float k, const char *name) {
    double nn = sqrt((double)n[0] * n[0] + (double)n[1] * n[1]);
    double x0 = -k * n[0] / (nn * nn), y0 = -k * n[1] / (nn * nn), dx = -n[1] / nn, dy = n[0] / nn;
    double t, last = 0.0, lim = HALF - 0.05;
    int inside = 0;
    if (dx < 0 || (dx == 0 && dy < 0)) { /* run left to right on the page */
        dx = -dx;
        dy = -dy;
    }
    for (t = -3 * HALF; t <= 3 * HALF; t += 0.01)
        if (fabs(x0 + t * dx) <= lim && fabs(y0 + t * dy) <= lim) {
            last = t;
            inside = 1;
        }
    if (!inside) return;
    t = last - 1.1;
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" dy=\"-6\" font-size=\"13\" font-weight=\"bold\" " FONT
               " text-anchor=\"middle\" stroke=\"white\" stroke-width=\"3.5\" paint-order=\"stroke\" "
               "transform=\"rotate(%.1f %.1f %.1f)\">%s</text>\n",
            px(p, x0 + t * dx), py(p, y0 + t * dy), -atan2(dy, dx) * 180 / 3.14159265358979,
            px(p, x0 + t * dx), py(p, y0 + t * dy), name);
}

static int draw_unit(FILE *f, const panel *p, const unit *u, double fmax, const char *subtitle) {
    static float x1[NODES * NODES], x2[NODES * NODES], g[NODES * NODES], gate[NODES * NODES],
        value[NODES * NODES];
    char fill[8];
    double cell = p->width / CELLS, step = 2 * HALF / (NODES - 1);
    int i, j, k;

    /* The heat map: f at the centre of each cell. */
    for (j = 0; j < CELLS; j++)
        for (i = 0; i < CELLS; i++) {
            x1[j * CELLS + i] = (float)(-HALF + (i + 0.5) * 2 * HALF / CELLS);
            x2[j * CELLS + i] = (float)(HALF - (j + 0.5) * 2 * HALF / CELLS);
        }
    if (unit_values(u, x1, x2, CELLS * CELLS, g, gate, value)) return 1;
    fprintf(f, "<g shape-rendering=\"crispEdges\">\n");
    for (j = 0; j < CELLS; j++)
        for (i = 0; i < CELLS; i++) {
            colour(colour_t(g[j * CELLS + i], fmax), fill);
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
                    p->left + i * cell, p->top + j * cell, cell, cell, fill);
        }
    fprintf(f, "</g>\n");

    /* The contours, on a finer grid of nodes: dark red f > 0, dark blue f < 0, f = 0 bold. */
    for (j = 0; j < NODES; j++)
        for (i = 0; i < NODES; i++) {
            x1[j * NODES + i] = (float)(-HALF + i * step);
            x2[j * NODES + i] = (float)(-HALF + j * step);
        }
    if (unit_values(u, x1, x2, NODES * NODES, g, gate, value)) return 1;
    for (k = 0; k < 5; k++) {
        contour(f, p, g, levels[k], "stroke=\"#4d0013\" stroke-width=\"0.9\"");
        contour(f, p, g, -levels[k], "stroke=\"#062445\" stroke-width=\"0.9\"");
    }
    contour(f, p, g, 0.0, "stroke=\"black\" stroke-width=\"2.2\"");
    line_label(f, p, u->w, u->b, "gate = 0");
    line_label(f, p, u->v, u->c, "value = 0");
    /* The origin, to see the shift. */
    fprintf(f, "<path d=\"M%.1f %.1fh12M%.1f %.1fv12\" stroke=\"black\" stroke-width=\"1.5\"/>\n",
            px(p, 0) - 6, py(p, 0), px(p, 0), py(p, 0) - 6);
    axes(f, p, 1, 1, "x&#8321;", "x&#8322;", 0);
    text(f, p->left + p->width / 2, p->top - 12, "middle", 15, subtitle);
    return 0;
}

static int draw_surface(const char *dir) {
    unit plain = {{0.9f, 0.45f}, {-0.4f, 0.8f}, 0.0f, 0.0f};
    unit biased = {{0.9f, 0.45f}, {-0.4f, 0.8f}, 1.0f, -0.75f};
    panel left = {80, 110, 420, 420, -HALF, HALF, -HALF, HALF};
    panel right = {600, 110, 420, 420, -HALF, HALF, -HALF, HALF};
    panel bar = {1100, 110, 22, 420, 0, 1, -1, 1};
    double fmax = 0.0;
    float corner[2][4] = {{-3, 3, -3, 3}, {-3, -3, 3, 3}}, out[4], gate[4], value[4];
    char buf[48], label[64], fill[8];
    int i, k, s;
    FILE *f;

    /* |f| is largest at a corner of the square (f is at most quadratic in x there). */
    for (k = 0; k < 2; k++) {
        if (unit_values(k ? &biased : &plain, corner[0], corner[1], 4, out, gate, value)) return 1;
        for (i = 0; i < 4; i++)
            if (fabs(out[i]) > fmax) fmax = fabs(out[i]);
    }

    if (!(f = open_svg(dir, "geglu_surface.svg", 1200, 640))) return 1;
    text(f, 600, 34, "middle", 19,
         "One GeGLU unit: f(x) = GELU(x&#183;w + b) &#183; (x&#183;v + c), w = (0.9, 0.45), v = (&#8722;0.4, 0.8)");
    text(f, 600, 58, "middle", 14,
         "the zero set is the two lines gate = 0 and value = 0; where the gate is negative "
         "GELU is a shallow valley (&#8805; &#8722;0.17), so f stays small there");
    if (draw_unit(f, &left, &plain, fmax, "without biases: b = 0, c = 0") ||
        draw_unit(f, &right, &biased, fmax, "with biases: b = 1, c = &#8722;0.75"))
        return 1;

    /* The colour bar, with the contour levels as ticks. */
    for (i = 0; i < 200; i++) {
        colour(1.0 - (i + 0.5) / 100.0, fill);
        fprintf(f, "<rect x=\"%.1f\" y=\"%.2f\" width=\"%.1f\" height=\"%.2f\" fill=\"%s\"/>\n",
                bar.left, bar.top + i * bar.height / 200, bar.width, bar.height / 200 + 0.3, fill);
    }
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n",
            bar.left, bar.top, bar.width, bar.height);
    for (s = -1; s <= 1; s++)
        for (k = 0; k < (s ? 5 : 1); k++) {
            double v = s ? s * levels[k] : 0.0, y = py(&bar, colour_t(v, fmax));
            if (fabs(v) > fmax) continue;
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
                    bar.left, y, bar.left + bar.width + 5, y);
            text(f, bar.left + bar.width + 8, y + 4.5, "start", 12, num(buf, v));
        }
    snprintf(label, sizeof label, "f (|f| up to %.0f)", fmax);
    fprintf(f, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" text-anchor=\"middle\" "
               "font-size=\"14\" " FONT ">%s</text>\n",
            bar.left - 10, bar.top + bar.height / 2, label);

    /* The key to the lines. */
    fprintf(f, "<line x1=\"80\" y1=\"604\" x2=\"116\" y2=\"604\" stroke=\"black\" stroke-width=\"2.2\"/>\n");
    text(f, 122, 609, "start", 13, "f = 0");
    fprintf(f, "<line x1=\"190\" y1=\"604\" x2=\"226\" y2=\"604\" stroke=\"#4d0013\" stroke-width=\"1.2\"/>\n");
    text(f, 232, 609, "start", 13, "f = 0.1, 0.3, 1, 3, 10");
    fprintf(f, "<line x1=\"420\" y1=\"604\" x2=\"456\" y2=\"604\" stroke=\"#062445\" stroke-width=\"1.2\"/>\n");
    text(f, 462, 609, "start", 13, "f = &#8722;0.1, &#8722;0.3, &#8722;1, ...");
    fprintf(f, "<path d=\"M764 604h12M770 598v12\" stroke=\"black\" stroke-width=\"1.5\"/>\n");
    text(f, 784, 609, "start", 13, "the origin");
    text(f, 880, 609, "start", 13, "colour: asinh(f / 0.25), blue &lt; 0 &lt; red");
    return close_svg(f);
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : ".";
    if (argc > 2) {
        fprintf(stderr, "usage: geometry [OUTPUT_DIR]\n");
        return 2;
    }
    if (draw_gelu(dir) || draw_surface(dir)) return 1;
    return 0;
}
