// SPDX-License-Identifier: MIT
#include "backends/fake/test_pattern.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>
#include <utility>

namespace usermedia::fake {
namespace {

using std::chrono::nanoseconds;

// BT.601 limited-range levels.
constexpr std::uint8_t kBlack = 16;
constexpr std::uint8_t kWhite = 235;
constexpr std::uint8_t kBackground = 64;
constexpr std::uint8_t kNeutralChroma = 128;

struct Yuv
{
    std::uint8_t y, u, v;
};
constexpr Yuv kBlackYuv{kBlack, kNeutralChroma, kNeutralChroma};
constexpr Yuv kWhiteYuv{kWhite, kNeutralChroma, kNeutralChroma};
constexpr Yuv kBackgroundYuv{kBackground, kNeutralChroma, kNeutralChroma};
constexpr Yuv kBarYuv{145, 54, 34}; // green

// The barcode: a grid of kBarcodeRows rows, each a white guard cell, kBitsPerRow data cells and
// another white guard cell, centred in the picture on a full-width black band. It holds the frame
// number's low 32 bits then a 4-bit check, most significant first, row by row. The reader finds
// the grid by its outer edges (the guards against the band), so it needs no fixed position: a
// centred crop only moves the edges. The grid is kBarcodeWidthPercent of the width, so that a
// crop to 9:16 of a 16:9 picture (which keeps 31.6 %) still holds it; square cells make it 40 %
// of a 16:9 picture's height, which a crop to 3:1 keeps.
constexpr int kDataBits = 32;
constexpr int kCheckBits = 4;
constexpr int kBitsPerRow = 6;
constexpr int kBarcodeRows = (kDataBits + kCheckBits) / kBitsPerRow;
constexpr int kBarcodeColumns = kBitsPerRow + 2;
static_assert(kBarcodeRows * kBitsPerRow == kDataBits + kCheckBits);
constexpr int kBarcodeWidthPercent = 30;
// At most this share of the height, for pictures wider than about 2.4:1.
constexpr int kBarcodeMaxHeightPercent = 60;
// The reader needs cells at least this many pixels wide and high.
constexpr double kMinReadableCell = 1.5;

constexpr nanoseconds kFlashLength = std::chrono::milliseconds(100);
constexpr nanoseconds kBarSweep = std::chrono::seconds(2);

// Fills [x0, x1) x [y0, y1) of the luma plane and the chroma samples that cover it, clipped.
void fillRect(const I420Canvas& canvas, int x0, int y0, int x1, int y1, Yuv color)
{
    x0 = std::max(x0, 0);
    y0 = std::max(y0, 0);
    x1 = std::min(x1, canvas.width);
    y1 = std::min(y1, canvas.height);
    if (x0 >= x1 || y0 >= y1)
        return;
    for (int row = y0; row < y1; ++row)
        std::memset(canvas.y + std::ptrdiff_t{row} * canvas.strideY + x0, color.y, x1 - x0);
    // Chroma is halved both ways, rounding up, so odd sizes keep their last column and row.
    const int cx0 = x0 / 2;
    const int cx1 = (x1 + 1) / 2;
    for (int row = y0 / 2; row < (y1 + 1) / 2; ++row) {
        std::memset(canvas.u + std::ptrdiff_t{row} * canvas.strideU + cx0, color.u, cx1 - cx0);
        std::memset(canvas.v + std::ptrdiff_t{row} * canvas.strideV + cx0, color.v, cx1 - cx0);
    }
}

// Where the barcode grid and its band go, in pixels. Each extent has the parity of the picture's,
// so that the grid is exactly centred.
struct BarcodeLayout
{
    int x = 0;      ///< the grid's left edge
    int y = 0;      ///< the grid's top edge
    int width = 0;  ///< kBarcodeColumns cells
    int height = 0; ///< kBarcodeRows cells
    int margin = 0; ///< black rows above and below the grid
};

int centredExtent(int extent, int within)
{
    extent = std::clamp(extent, 0, within);
    if ((within - extent) % 2 != 0)
        extent = extent < within ? extent + 1 : extent - 1;
    return extent;
}

BarcodeLayout barcodeLayout(int width, int height)
{
    BarcodeLayout layout;
    layout.width = centredExtent(width * kBarcodeWidthPercent / 100, width);
    layout.height = centredExtent(std::min(layout.width * kBarcodeRows / kBarcodeColumns,
                                           height * kBarcodeMaxHeightPercent / 100),
                                  height);
    layout.x = (width - layout.width) / 2;
    layout.y = (height - layout.height) / 2;
    layout.margin = std::max(1, layout.height / kBarcodeRows * 3 / 4);
    return layout;
}

// The edge of cell i of n cells spanning [origin, origin + length), rounded to the nearest pixel.
int cellEdge(int origin, int length, int cell, int cells)
{
    return origin +
           static_cast<int>((2 * std::int64_t{cell} * length + cells) / (std::int64_t{2} * cells));
}

// The check bits: the XOR of the value's nibbles, so a reading with one wrong cell is rejected.
std::uint32_t checkBits(std::uint32_t value)
{
    std::uint32_t check = 0;
    for (int shift = 0; shift < kDataBits; shift += kCheckBits)
        check ^= (value >> shift) & ((1U << kCheckBits) - 1);
    return check;
}

std::uint64_t codeWord(std::uint32_t value)
{
    return (std::uint64_t{value} << kCheckBits) | checkBits(value);
}

bool codeBit(std::uint64_t word, int row, int bit)
{
    const int index = row * kBitsPerRow + bit;
    return ((word >> (kDataBits + kCheckBits - 1 - index)) & 1U) != 0;
}

void drawBarcode(const I420Canvas& canvas, std::uint64_t frameNumber)
{
    const BarcodeLayout layout = barcodeLayout(canvas.width, canvas.height);
    fillRect(canvas, 0, layout.y - layout.margin, canvas.width,
             layout.y + layout.height + layout.margin, kBlackYuv);
    if (layout.width < kBarcodeColumns || layout.height < kBarcodeRows)
        return; // too small for a cell per pixel: the band alone
    const std::uint64_t word = codeWord(static_cast<std::uint32_t>(frameNumber));
    for (int row = 0; row < kBarcodeRows; ++row) {
        const int y0 = cellEdge(layout.y, layout.height, row, kBarcodeRows);
        const int y1 = cellEdge(layout.y, layout.height, row + 1, kBarcodeRows);
        for (int column = 0; column < kBarcodeColumns; ++column) {
            const bool guard = column == 0 || column == kBarcodeColumns - 1;
            if (!guard && !codeBit(word, row, column - 1))
                continue; // the band is already black
            fillRect(canvas, cellEdge(layout.x, layout.width, column, kBarcodeColumns), y0,
                     cellEdge(layout.x, layout.width, column + 1, kBarcodeColumns), y1, kWhiteYuv);
        }
    }
}

// A 5x7 font for what the pattern writes: digits, '.', 's' and '#'. Each row is 5 bits, the
// most significant bit leftmost.
constexpr int kGlyphWidth = 5;
constexpr int kGlyphHeight = 7;
using Glyph = std::array<std::uint8_t, kGlyphHeight>;
constexpr std::array<Glyph, 10> kDigits{{
        {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}, // 0
        {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}, // 1
        {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}, // 2
        {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}, // 3
        {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}, // 4
        {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}, // 5
        {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}, // 6
        {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}, // 7
        {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}, // 8
        {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}, // 9
}};
constexpr Glyph kDot{0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C};
constexpr Glyph kLetterS{0x00, 0x00, 0x0E, 0x10, 0x0E, 0x01, 0x1E};
constexpr Glyph kHash{0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A};
constexpr Glyph kBlank{};

const Glyph& glyphFor(char c)
{
    if (c >= '0' && c <= '9')
        return kDigits[static_cast<std::size_t>(c - '0')];
    switch (c) {
    case '.':
        return kDot;
    case 's':
        return kLetterS;
    case '#':
        return kHash;
    default:
        return kBlank;
    }
}

// One glyph cell is the glyph plus one column and one row of spacing.
constexpr int kCellWidth = kGlyphWidth + 1;
constexpr int kCellHeight = kGlyphHeight + 1;

void drawText(const I420Canvas& canvas, int x, int y, int scale, std::string_view text)
{
    for (char c : text) {
        const Glyph& glyph = glyphFor(c);
        for (int row = 0; row < kGlyphHeight; ++row) {
            for (int col = 0; col < kGlyphWidth; ++col) {
                if (((glyph[static_cast<std::size_t>(row)] >> (kGlyphWidth - 1 - col)) & 1) == 0)
                    continue;
                fillRect(canvas, x + col * scale, y + row * scale, x + (col + 1) * scale,
                         y + (row + 1) * scale, kWhiteYuv);
            }
        }
        x += kCellWidth * scale;
    }
}

// "#<frame number>" and "<seconds>.<milliseconds>s" in a black box centred above the barcode
// band, as large as fits in half the width and the space above the band (so the flash area at
// the bottom stays clear).
void drawLabels(const I420Canvas& canvas, std::uint64_t frameNumber, nanoseconds timestamp)
{
    std::array<char, 32> frameText{};
    frameText[0] = '#';
    const auto frameEnd =
            std::to_chars(frameText.data() + 1, frameText.data() + frameText.size(), frameNumber)
                    .ptr;
    const std::string_view frameLine(frameText.data(), frameEnd);

    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(timestamp).count();
    std::array<char, 32> timeText{};
    char* end =
            std::to_chars(timeText.data(), timeText.data() + timeText.size(), millis / 1000).ptr;
    const auto fraction = static_cast<int>(millis % 1000);
    *end++ = '.';
    *end++ = static_cast<char>('0' + fraction / 100);
    *end++ = static_cast<char>('0' + fraction / 10 % 10);
    *end++ = static_cast<char>('0' + fraction % 10);
    *end++ = 's';
    const std::string_view timeLine(timeText.data(), end);

    const int columns = static_cast<int>(std::max(frameLine.size(), timeLine.size())) + 1;
    const int rows = 2;
    const BarcodeLayout layout = barcodeLayout(canvas.width, canvas.height);
    const int space = layout.y - layout.margin;
    // The box spans (columns * kCellWidth + 1) x (rows * kCellHeight + 1) scaled pixels, one
    // scaled pixel below the top, and keeps one scaled pixel clear of the band.
    const int scale = std::min(canvas.width / 2 / (columns * kCellWidth + 1),
                               space / (rows * kCellHeight + 3));
    if (scale < 1)
        return; // too small to be legible: the barcode still carries the frame number
    const int boxWidth = (columns * kCellWidth + 1) * scale;
    const int x = (canvas.width - boxWidth) / 2 + scale;
    const int y = scale * 2;
    fillRect(canvas, x - scale, y - scale, x - scale + boxWidth, y + rows * kCellHeight * scale,
             kBlackYuv);
    drawText(canvas, x, y, scale, frameLine);
    drawText(canvas, x, y + kCellHeight * scale, scale, timeLine);
}

// A luma plane, read-only, for the readers.
struct LumaPlane
{
    const std::uint8_t* data;
    int stride;
    int width;
    int height;

    int at(int x, int y) const { return data[std::ptrdiff_t{y} * stride + x]; }

    // The mean luma of [x0, x1) x [y0, y1), clipped to the plane; -1 when empty.
    int mean(int x0, int y0, int x1, int y1) const
    {
        x0 = std::max(x0, 0);
        y0 = std::max(y0, 0);
        x1 = std::min(x1, width);
        y1 = std::min(y1, height);
        if (x0 >= x1 || y0 >= y1)
            return -1;
        std::int64_t sum = 0;
        for (int row = y0; row < y1; ++row) {
            for (int col = x0; col < x1; ++col)
                sum += at(col, row);
        }
        return static_cast<int>(sum / (std::int64_t{x1 - x0} * (y1 - y0)));
    }
};

// Barcode cells are told from the band by this level, halfway between the two.
constexpr double kCellThreshold = (kWhite + kBlack) / 2.0;

// How far around a cell's centre the reader averages: the middle half of the cell, away from
// the edges that scaling blurs, but no more than a few pixels, which is enough against JPEG's
// noise and keeps reading a large picture cheap.
double sampleRadius(double cellSize)
{
    return std::min(cellSize / 4, 2.0);
}

// The pixels [first, last) around a centre, at least one, clipped to [0, limit).
std::pair<int, int> pixelsAround(double center, double halfWidth, int limit)
{
    int first = static_cast<int>(std::floor(center - halfWidth + 0.5));
    int last = static_cast<int>(std::floor(center + halfWidth + 0.5));
    if (last <= first) {
        first = static_cast<int>(std::floor(center));
        last = first + 1;
    }
    return {std::clamp(first, 0, limit - 1), std::clamp(last, 1, limit)};
}

// Where the level crosses kCellThreshold between two neighbouring pixel centres, as an offset
// from the first centre in (0, 1): a scaled edge is a ramp, and its midpoint is the edge.
double crossing(double from, double to)
{
    if (from == to)
        return 0.5;
    return std::clamp((kCellThreshold - from) / (to - from), 0.0, 1.0);
}

// A profile of the plane along one line: luma as a function of position, averaged across the
// line over [across0, across1).
struct Profile
{
    const LumaPlane& plane;
    bool horizontal;
    int across0;
    int across1;

    int length() const { return horizontal ? plane.width : plane.height; }
    double at(int i) const
    {
        return horizontal ? plane.mean(i, across0, i + 1, across1)
                          : plane.mean(across0, i, across1, i + 1);
    }

    // The edge where the bright run holding \p inside ends, going in \p step's direction (+1 or
    // -1), in pixel-edge coordinates; the plane's border when the run reaches it.
    double runEnd(int inside, int step) const
    {
        double previous = at(inside);
        for (int i = inside + step; i >= 0 && i < length(); i += step) {
            const double level = at(i);
            if (level <= kCellThreshold) {
                // Centres at i - step + 0.5 and i + 0.5.
                const double offset = crossing(previous, level);
                return step > 0 ? i - 0.5 + offset : i + 1.5 - offset;
            }
            previous = level;
        }
        return step > 0 ? length() : 0;
    }

    // The outermost bright pixels, each end's edge as runEnd() finds it; empty when none.
    std::optional<std::pair<double, double>> brightSpan() const
    {
        int first = 0;
        while (first < length() && at(first) <= kCellThreshold)
            ++first;
        if (first == length())
            return std::nullopt;
        int last = length() - 1;
        while (at(last) <= kCellThreshold)
            --last;
        return std::pair{runEnd(first, -1), runEnd(last, +1)};
    }
};

// The barcode grid as found in a picture, in pixel-edge coordinates.
struct BarcodeGrid
{
    double left, top, cellWidth, cellHeight;

    bool cellIsWhite(const LumaPlane& plane, int column, int row) const
    {
        const auto [x0, x1] = pixelsAround(left + (column + 0.5) * cellWidth,
                                           sampleRadius(cellWidth), plane.width);
        const auto [y0, y1] = pixelsAround(top + (row + 0.5) * cellHeight, sampleRadius(cellHeight),
                                           plane.height);
        return plane.mean(x0, y0, x1, y1) > kCellThreshold;
    }
};

// Finds the grid: its left and right edges are the outermost bright pixels on the middle rows
// (the black band surrounds the guards there); its top and bottom are where the guard columns
// meet the band above and below.
std::optional<BarcodeGrid> findBarcode(const LumaPlane& plane)
{
    const int middle0 = (plane.height - 1) / 2;
    const int middle1 = plane.height / 2 + 1;
    const auto span = Profile{plane, true, middle0, middle1}.brightSpan();
    if (!span)
        return std::nullopt;
    const double cellWidth = (span->second - span->first) / kBarcodeColumns;
    if (cellWidth < kMinReadableCell)
        return std::nullopt;
    double top = 0;
    double bottom = 0;
    for (const double guard : {span->first + cellWidth / 2, span->second - cellWidth / 2}) {
        const auto [x0, x1] = pixelsAround(guard, sampleRadius(cellWidth), plane.width);
        const Profile column{plane, false, x0, x1};
        if (column.at(middle0) <= kCellThreshold)
            return std::nullopt;
        top += column.runEnd(middle0, -1) / 2;
        bottom += column.runEnd(middle0, +1) / 2;
    }
    // The band must show above and below: a plain bright picture is no barcode.
    if (top < 0.5 || bottom > plane.height - 0.5)
        return std::nullopt;
    const double cellHeight = (bottom - top) / kBarcodeRows;
    if (cellHeight < kMinReadableCell)
        return std::nullopt;
    return BarcodeGrid{span->first, top, cellWidth, cellHeight};
}

bool readableFrame(const VideoFrame& frame)
{
    return frame.valid() && frame.plane(0).data != nullptr;
}

} // namespace

bool isFlashTime(nanoseconds timestamp)
{
    nanoseconds intoSecond = timestamp % std::chrono::seconds(1);
    if (intoSecond < nanoseconds::zero())
        intoSecond += std::chrono::seconds(1);
    return intoSecond < kFlashLength;
}

void drawTestPattern(const I420Canvas& canvas, std::uint64_t frameNumber, nanoseconds timestamp)
{
    if (canvas.width <= 0 || canvas.height <= 0)
        return;
    // The whole background flashes, so any crop keeps some of it.
    fillRect(canvas, 0, 0, canvas.width, canvas.height,
             isFlashTime(timestamp) ? kWhiteYuv : kBackgroundYuv);

    // The bar's position follows clock time, not the frame count, so it moves at the same speed
    // whatever the frame rate.
    const int barWidth = std::max(1, canvas.width / 16);
    nanoseconds phase = timestamp % kBarSweep;
    if (phase < nanoseconds::zero())
        phase += kBarSweep;
    const int barX =
            static_cast<int>(phase.count() * (canvas.width - barWidth) / kBarSweep.count());
    fillRect(canvas, barX, 0, barX + barWidth, canvas.height, kBarYuv);

    drawLabels(canvas, frameNumber, timestamp);
    drawBarcode(canvas, frameNumber);
}

std::optional<std::uint64_t> readFrameNumber(const std::uint8_t* luma, int stride, int width,
                                             int height)
{
    if (luma == nullptr || width < kBarcodeColumns || height < kBarcodeRows || stride < width)
        return std::nullopt;
    const LumaPlane plane{luma, stride, width, height};
    const auto grid = findBarcode(plane);
    if (!grid)
        return std::nullopt;
    std::uint64_t word = 0;
    for (int row = 0; row < kBarcodeRows; ++row) {
        for (int column = 0; column < kBarcodeColumns; ++column) {
            const bool white = grid->cellIsWhite(plane, column, row);
            if (column == 0 || column == kBarcodeColumns - 1) {
                if (!white)
                    return std::nullopt; // a guard is missing: not (all of) our barcode
            } else {
                word = (word << 1) | (white ? 1U : 0U);
            }
        }
    }
    const auto value = static_cast<std::uint32_t>(word >> kCheckBits);
    if ((word & ((1U << kCheckBits) - 1)) != checkBits(value))
        return std::nullopt;
    return value;
}

std::optional<std::uint64_t> readFrameNumber(const VideoFrame& frame)
{
    if (!readableFrame(frame))
        return std::nullopt;
    return readFrameNumber(frame.plane(0).data, frame.plane(0).stride, frame.width(),
                           frame.height());
}

bool readFlash(const std::uint8_t* luma, int stride, int width, int height)
{
    if (luma == nullptr || width < 1 || height < 1 || stride < width)
        return false;
    // The bottom sixteenth: below the barcode band even after a crop of a 16:9 or 4:3 picture
    // to 3:1, and clear of the labels at the top.
    const LumaPlane plane{luma, stride, width, height};
    const int mean = plane.mean(0, height - std::max(1, height / 16), width, height);
    return mean > (kWhite + kBackground) / 2;
}

bool readFlash(const VideoFrame& frame)
{
    if (!readableFrame(frame))
        return false;
    return readFlash(frame.plane(0).data, frame.plane(0).stride, frame.width(), frame.height());
}

} // namespace usermedia::fake
