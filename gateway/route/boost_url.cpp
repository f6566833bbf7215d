// Boost.URL's compiled part, built here once (header-only mode: Boost 1.81's
// boost/url/src.hpp), so no libboost-url package is needed. Include it in no
// other translation unit.
#include <boost/url/src.hpp>
