// The declaration in include/CFuzzDriver.h is all this module is; a C target needs one source file.
#include "CFuzzDriver.h"
