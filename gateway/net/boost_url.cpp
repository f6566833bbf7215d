// Boost.URL's compiled part, built here once (header-only mode: Boost 1.81's
// boost/url/src.hpp), so no libboost-url package is needed. Include it in no
// other translation unit. In net, the lowest module that parses URLs: the
// intake (query parameters), route (push URLs) and app use it.
#include <boost/url/src.hpp>
