// SPDX-License-Identifier: MIT
#include "status_line.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace usermedia::cli {
namespace {

constexpr int kMeterCells = 8;
constexpr double kMeterFloorDbfs = -60;

} // namespace

std::string formatDbfs(double dbfs)
{
    if (!std::isfinite(dbfs))
        return "-inf dBFS";
    char text[32];
    (void)std::snprintf(text, sizeof text, "%.0f dBFS", dbfs);
    return text;
}

std::string levelMeter(double dbfs)
{
    const double fraction = std::isfinite(dbfs) ? (dbfs - kMeterFloorDbfs) / -kMeterFloorDbfs : 0;
    const int lit =
            std::clamp(static_cast<int>(std::lround(fraction * kMeterCells)), 0, kMeterCells);
    std::string meter;
    for (int cell = 0; cell < kMeterCells; ++cell)
        meter += cell < lit ? "\u25AE" : "\u25AF";
    return meter;
}

std::string recordingMarker(const std::vector<std::string>& devices, bool color)
{
    std::string marker = color ? "\x1b[31m\u25CF recording\x1b[0m" : "\u25CF recording";
    for (std::size_t i = 0; i < devices.size(); ++i)
        marker += (i == 0 ? " " : ", ") + devices[i];
    return marker;
}

std::string formatStatus(const CaptureStatus& status)
{
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(status.elapsed).count();
    char text[64];
    (void)std::snprintf(text, sizeof text, "  %02lld:%02lld", static_cast<long long>(seconds / 60),
                        static_cast<long long>(seconds % 60));
    std::string line = recordingMarker(status.devices, status.color) + text;
    if (status.videoFrames) {
        line += "  frames " + std::to_string(*status.videoFrames);
        if (status.videoFps) {
            (void)std::snprintf(text, sizeof text, "  %.1f fps", *status.videoFps);
            line += text;
        }
    }
    line += "  dropped " + std::to_string(status.dropped);
    if (status.hasAudio) {
        line += "  audio ";
        if (status.audioDbfs) {
            line += formatDbfs(*status.audioDbfs) + " " + levelMeter(*status.audioDbfs);
        } else {
            line += "-- " + levelMeter(-std::numeric_limits<double>::infinity());
        }
    }
    return line;
}

} // namespace usermedia::cli
