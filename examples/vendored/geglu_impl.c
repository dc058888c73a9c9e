/* The one translation unit that compiles geglu.h's implementation. Every other file of the
 * program includes "geglu.h" without GEGLU_IMPLEMENTATION and links against this one.
 * Options such as GEGLU_NO_SIMD go here, before the #include: they only matter where the
 * implementation is compiled. */
#define GEGLU_IMPLEMENTATION
#include "geglu.h"
