// The built-in demo page served at GET /: one self-contained HTML document (no external
// scripts, styles or fonts) that opens EventSources on /events/clock, /events/counter
// and /events?topic=clock&topic=counter and shows their events live, how many streams
// are open, and how often each reconnected.
#pragma once

#include <string_view>

namespace ssegw::app {

extern const std::string_view kDemoPage;

}  // namespace ssegw::app
