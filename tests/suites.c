/* The four test suites (test_gelu.c, test_layer.c, test_guard.c, test_convert.c) in one
 * program, so that each build of the test matrix compiles the implementation once rather than
 * four times. Each suite still builds alone, as its own program. */
#define _DEFAULT_SOURCE 1 /* for test_guard.c's mmap, before any system header */

#define main test_gelu_main
#include "test_gelu.c"
#undef main

#define main test_layer_main
#include "test_layer.c"
#undef main

#define main test_guard_main
#include "test_guard.c"
#undef main

#define main test_convert_main
#include "test_convert.c"
#undef main

int main(void) {
    int failed = test_gelu_main();
    failed += test_layer_main();
    failed += test_guard_main();
    failed += test_convert_main();
    return failed != 0;
}
