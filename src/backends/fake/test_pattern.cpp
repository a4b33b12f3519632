// SPDX-License-Identifier: MIT
#include "backends/fake/test_pattern.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <string_view>

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

// The barcode: white and black start guards, 32 data bits (most significant first), black and
// white end guards. The guards give the reader its black and white levels.
constexpr int kDataBits = 32;
constexpr int kBarcodeCells = kDataBits + 4;

constexpr nanoseconds kFlashLength = std::chrono::milliseconds(100);
constexpr nanoseconds kBarSweep = std::chrono::seconds(2);

int barcodeHeight(int height)
{
    return std::max(1, height / 8);
}

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

// Rounded, so that the pixel holding a cell's exact centre, (cell + 0.5) * width / cells, is
// always inside the drawn cell (for width >= cells), as the reader expects.
int cellStart(int cell, int width)
{
    return static_cast<int>((2 * std::int64_t{cell} * width + kBarcodeCells) / (2 * kBarcodeCells));
}

bool cellIsWhite(int cell, std::uint32_t value)
{
    if (cell == 0 || cell == kBarcodeCells - 1)
        return true;
    if (cell == 1 || cell == kBarcodeCells - 2)
        return false;
    const int bit = kDataBits - 1 - (cell - 2);
    return ((value >> bit) & 1U) != 0;
}

void drawBarcode(const I420Canvas& canvas, std::uint64_t frameNumber)
{
    const auto value = static_cast<std::uint32_t>(frameNumber);
    const int height = barcodeHeight(canvas.height);
    for (int cell = 0; cell < kBarcodeCells; ++cell) {
        fillRect(canvas, cellStart(cell, canvas.width), 0, cellStart(cell + 1, canvas.width),
                 height, cellIsWhite(cell, value) ? kWhiteYuv : kBlackYuv);
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

// "#<frame number>" and "<seconds>.<milliseconds>s" in a black box under the barcode, as large
// as fits in half the width and a quarter of the height (so the flash area stays clear).
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
    const int scale = std::min(canvas.width / 2 / (columns * kCellWidth),
                               canvas.height / 4 / (rows * kCellHeight + 1));
    if (scale < 1)
        return; // too small to be legible: the barcode still carries the frame number
    const int x = scale * 2;
    const int y = barcodeHeight(canvas.height) + scale * 2;
    fillRect(canvas, x - scale, y - scale, x + columns * kCellWidth * scale,
             y + rows * kCellHeight * scale, kBlackYuv);
    drawText(canvas, x, y, scale, frameLine);
    drawText(canvas, x, y + kCellHeight * scale, scale, timeLine);
}

// The mean luma of [x0, x1) x [y0, y1), clipped to the plane; -1 when empty.
int meanLuma(const std::uint8_t* luma, int stride, int width, int height, int x0, int y0, int x1,
             int y1)
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
            sum += luma[std::ptrdiff_t{row} * stride + col];
    }
    return static_cast<int>(sum / (std::int64_t{x1 - x0} * (y1 - y0)));
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
    const int top = barcodeHeight(canvas.height);
    fillRect(canvas, 0, top, canvas.width, canvas.height,
             isFlashTime(timestamp) ? kWhiteYuv : kBackgroundYuv);

    // The bar's position follows clock time, not the frame count, so it moves at the same speed
    // whatever the frame rate.
    const int barWidth = std::max(1, canvas.width / 16);
    nanoseconds phase = timestamp % kBarSweep;
    if (phase < nanoseconds::zero())
        phase += kBarSweep;
    const int barX =
            static_cast<int>(phase.count() * (canvas.width - barWidth) / kBarSweep.count());
    fillRect(canvas, barX, top, barX + barWidth, canvas.height, kBarYuv);

    drawLabels(canvas, frameNumber, timestamp);
    drawBarcode(canvas, frameNumber);
}

std::optional<std::uint64_t> readFrameNumber(const std::uint8_t* luma, int stride, int width,
                                             int height)
{
    if (luma == nullptr || width < kBarcodeCells || height < 1)
        return std::nullopt;
    // Sample the middle half of the band, away from the edges that scaling blurs.
    const int band = barcodeHeight(height);
    const int y0 = band / 4;
    const int y1 = std::max(y0 + 1, band - band / 4);
    std::array<int, kBarcodeCells> levels{};
    for (int cell = 0; cell < kBarcodeCells; ++cell) {
        // Around the cell's centre: at 64 columns a cell is under two pixels wide, and only the
        // pixel holding its centre is mostly that cell after scaling.
        const int center =
                static_cast<int>((2 * std::int64_t{cell} + 1) * width / (2 * kBarcodeCells));
        const int half = (cellStart(cell + 1, width) - cellStart(cell, width)) / 4;
        levels[static_cast<std::size_t>(cell)] =
                meanLuma(luma, stride, width, height, center - half, y0, center + half + 1, y1);
    }
    const int white = std::min(levels.front(), levels.back());
    const int black = std::max(levels[1], levels[kBarcodeCells - 2]);
    if (black < 0 || white - black < (kWhite - kBlack) / 3)
        return std::nullopt;
    const int threshold = (white + black) / 2;
    std::uint32_t value = 0;
    for (int cell = 2; cell < kBarcodeCells - 2; ++cell)
        value = (value << 1) | (levels[static_cast<std::size_t>(cell)] > threshold ? 1U : 0U);
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
    if (luma == nullptr || width < 1 || height < 1)
        return false;
    const int mean = meanLuma(luma, stride, width, height, 0, height - std::max(1, height / 4),
                              width, height);
    return mean > (kWhite + kBackground) / 2;
}

bool readFlash(const VideoFrame& frame)
{
    if (!readableFrame(frame))
        return false;
    return readFlash(frame.plane(0).data, frame.plane(0).stride, frame.width(), frame.height());
}

} // namespace usermedia::fake
