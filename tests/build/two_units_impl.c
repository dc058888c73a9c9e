/* The one translation unit that compiles the implementation. */
#define GEGLU_IMPLEMENTATION
#include "../../geglu.h"
