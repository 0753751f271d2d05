#include <gtest/gtest.h>

// Placeholder until the module lands.
