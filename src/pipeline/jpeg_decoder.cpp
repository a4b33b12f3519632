// SPDX-License-Identifier: MIT
#include "pipeline/jpeg_decoder.h"

#include <algorithm>
#include <array>
#include <csetjmp>
#include <cstdio>
#include <cstring>

#include <jpeglib.h>
#include <libyuv.h>

namespace usermedia {
namespace {

// libjpeg's default error handler calls exit(); ours jumps back into the decoder instead.
struct ErrorManager
{
    jpeg_error_mgr base{};
    std::jmp_buf jump{};
};

void onJpegError(j_common_ptr info)
{
    std::longjmp(reinterpret_cast<ErrorManager*>(info->err)->jump, 1);
}

// Corrupt-data warnings (a truncated picture, a bad Huffman code) are not fatal: libjpeg fills
// what is missing with grey, as every webcam consumer expects. Stay quiet about them.
void onJpegMessage(j_common_ptr /*info*/, int /*level*/)
{}

// Reads from the frame's bytes; a short picture ends with a fake EOI, as jpeg_mem_src does.
// Kept here rather than jpeg_mem_src so that nothing is allocated for it.
struct MemorySource
{
    jpeg_source_mgr base{};
};

const std::array<JOCTET, 2> kEndOfImage = {0xFF, JPEG_EOI};

void initSource(j_decompress_ptr /*info*/)
{}

boolean fillInput(j_decompress_ptr info)
{
    info->src->next_input_byte = kEndOfImage.data();
    info->src->bytes_in_buffer = kEndOfImage.size();
    return TRUE;
}

void skipInput(j_decompress_ptr info, long count)
{
    jpeg_source_mgr& src = *info->src;
    if (count <= 0)
        return;
    if (static_cast<std::size_t>(count) > src.bytes_in_buffer) {
        fillInput(info);
        return;
    }
    src.next_input_byte += count;
    src.bytes_in_buffer -= static_cast<std::size_t>(count);
}

void termSource(j_decompress_ptr /*info*/)
{}

// libjpeg allocates each picture's working memory (the "image pool": component tables, the
// entropy decoder, coefficient and sample rows) with malloc at jpeg_start_decompress and frees
// it at the end of the picture: a few allocations per frame. This arena serves that pool from
// chunks that it keeps, so after the first picture of a size nothing is allocated any more.
// Permanent allocations (made once per decompressor) still go to libjpeg's own manager.
class ImageArena
{
public:
    // libjpeg-turbo's SIMD code wants 32-byte aligned rows and may touch up to a whole
    // 64-sample group past a row's end: align and pad as its own manager does.
    static constexpr std::size_t kAlign = 64;

    void* allocate(std::size_t size)
    {
        size = roundUp(size);
        while (current_ < chunks_.size()) {
            Chunk& chunk = chunks_[current_];
            if (chunk.size - used_ >= size) {
                void* result = chunk.data.get() + used_;
                used_ += size;
                return result;
            }
            ++current_;
            used_ = 0;
        }
        const std::size_t chunkSize = std::max<std::size_t>(size, 256 * 1024);
        // The raw array (std::byte[]) is aligned for new; we align inside it.
        Chunk chunk{std::unique_ptr<std::byte[]>(new std::byte[chunkSize + kAlign]), chunkSize};
        ++systemAllocations_;
        chunks_.push_back(std::move(chunk));
        current_ = chunks_.size() - 1;
        std::byte* base = chunks_.back().data.get();
        const auto misalignment = reinterpret_cast<std::uintptr_t>(base) % kAlign;
        const std::size_t offset = misalignment == 0 ? 0 : kAlign - misalignment;
        used_ = offset + size;
        chunks_.back().size = chunkSize + offset;
        return base + offset;
    }

    void reset()
    {
        current_ = 0;
        used_ = chunks_.empty() ? 0 : alignOffset(chunks_.front().data.get());
    }

    std::uint64_t systemAllocations() const { return systemAllocations_; }

    static std::size_t roundUp(std::size_t size) { return (size + kAlign - 1) / kAlign * kAlign; }

private:
    static std::size_t alignOffset(const std::byte* base)
    {
        const auto misalignment = reinterpret_cast<std::uintptr_t>(base) % kAlign;
        return misalignment == 0 ? 0 : kAlign - misalignment;
    }

    struct Chunk
    {
        std::unique_ptr<std::byte[]> data;
        std::size_t size = 0; // usable bytes from data (including the alignment offset)
    };
    std::vector<Chunk> chunks_;
    std::size_t current_ = 0;
    std::size_t used_ = 0;
    std::uint64_t systemAllocations_ = 0;
};

// The memory manager methods we wrap, and where the arena is (cinfo->client_data).
struct MemoryHooks
{
    ImageArena arena;
    decltype(jpeg_memory_mgr::alloc_small) allocSmall = nullptr;
    decltype(jpeg_memory_mgr::alloc_large) allocLarge = nullptr;
    decltype(jpeg_memory_mgr::alloc_sarray) allocSarray = nullptr;
    decltype(jpeg_memory_mgr::alloc_barray) allocBarray = nullptr;
    decltype(jpeg_memory_mgr::free_pool) freePool = nullptr;
};

MemoryHooks& hooks(j_common_ptr info)
{
    return *static_cast<MemoryHooks*>(info->client_data);
}

void* hookedAllocSmall(j_common_ptr info, int pool, std::size_t size)
{
    if (pool != JPOOL_IMAGE)
        return hooks(info).allocSmall(info, pool, size);
    return hooks(info).arena.allocate(size);
}

void* hookedAllocLarge(j_common_ptr info, int pool, std::size_t size)
{
    if (pool != JPOOL_IMAGE)
        return hooks(info).allocLarge(info, pool, size);
    return hooks(info).arena.allocate(size);
}

JSAMPARRAY hookedAllocSarray(j_common_ptr info, int pool, JDIMENSION samplesPerRow, JDIMENSION rows)
{
    if (pool != JPOOL_IMAGE)
        return hooks(info).allocSarray(info, pool, samplesPerRow, rows);
    ImageArena& arena = hooks(info).arena;
    const std::size_t rowBytes = ImageArena::roundUp(samplesPerRow * sizeof(JSAMPLE));
    auto* array = static_cast<JSAMPARRAY>(arena.allocate(rows * sizeof(JSAMPROW)));
    for (JDIMENSION row = 0; row < rows; ++row)
        array[row] = static_cast<JSAMPROW>(arena.allocate(rowBytes));
    return array;
}

JBLOCKARRAY hookedAllocBarray(j_common_ptr info, int pool, JDIMENSION blocksPerRow, JDIMENSION rows)
{
    if (pool != JPOOL_IMAGE)
        return hooks(info).allocBarray(info, pool, blocksPerRow, rows);
    ImageArena& arena = hooks(info).arena;
    auto* array = static_cast<JBLOCKARRAY>(arena.allocate(rows * sizeof(JBLOCKROW)));
    for (JDIMENSION row = 0; row < rows; ++row)
        array[row] = static_cast<JBLOCKROW>(arena.allocate(blocksPerRow * sizeof(JBLOCK)));
    return array;
}

void hookedFreePool(j_common_ptr info, int pool)
{
    MemoryHooks& h = hooks(info);
    if (pool == JPOOL_IMAGE)
        h.arena.reset();
    h.freePool(info, pool);
}

} // namespace

struct JpegDecoder::Codec
{
    jpeg_decompress_struct info{};
    ErrorManager errors{};
    MemorySource source{};
    MemoryHooks hooks{};
};

JpegDecoder::JpegDecoder() : codec_(std::make_unique<Codec>())
{
    Codec& codec = *codec_;
    codec.info.err = jpeg_std_error(&codec.errors.base);
    codec.errors.base.error_exit = onJpegError;
    codec.errors.base.emit_message = onJpegMessage;
    jpeg_create_decompress(&codec.info);

    codec.info.client_data = &codec.hooks;
    jpeg_memory_mgr& mem = *codec.info.mem;
    codec.hooks.allocSmall = mem.alloc_small;
    codec.hooks.allocLarge = mem.alloc_large;
    codec.hooks.allocSarray = mem.alloc_sarray;
    codec.hooks.allocBarray = mem.alloc_barray;
    codec.hooks.freePool = mem.free_pool;
    mem.alloc_small = hookedAllocSmall;
    mem.alloc_large = hookedAllocLarge;
    mem.alloc_sarray = hookedAllocSarray;
    mem.alloc_barray = hookedAllocBarray;
    mem.free_pool = hookedFreePool;

    codec.source.base.init_source = initSource;
    codec.source.base.fill_input_buffer = fillInput;
    codec.source.base.skip_input_data = skipInput;
    codec.source.base.resync_to_restart = jpeg_resync_to_restart;
    codec.source.base.term_source = termSource;
    codec.info.src = &codec.source.base;
}

JpegDecoder::~JpegDecoder()
{
    jpeg_destroy_decompress(&codec_->info);
}

std::uint64_t JpegDecoder::systemAllocations() const
{
    return codec_->hooks.arena.systemAllocations();
}

bool JpegDecoder::start(const std::uint8_t* data, std::size_t size, Header& header)
{
    jpeg_decompress_struct& info = codec_->info;
    if (started_) {
        jpeg_abort_decompress(&info);
        started_ = false;
    }
    if (data == nullptr || size < 4)
        return false;
    data_ = data;
    size_ = size;
    codec_->source.base.next_input_byte = data;
    codec_->source.base.bytes_in_buffer = size;
    // Nothing with a destructor may live between setjmp and a longjmp into it.
    if (setjmp(codec_->errors.jump) != 0) { // NOLINT(cert-err52-cpp): libjpeg's error model
        jpeg_abort_decompress(&info);
        return false;
    }
    if (jpeg_read_header(&info, TRUE) != JPEG_HEADER_OK) {
        jpeg_abort_decompress(&info);
        return false;
    }
    started_ = true;
    header.width = static_cast<int>(info.image_width);
    header.height = static_cast<int>(info.image_height);
    const jpeg_component_info* c = info.comp_info;
    const bool chromaSingle = info.num_components == 3 && c[1].h_samp_factor == 1 &&
                              c[1].v_samp_factor == 1 && c[2].h_samp_factor == 1 &&
                              c[2].v_samp_factor == 1;
    const bool is420 = chromaSingle && c[0].h_samp_factor == 2 && c[0].v_samp_factor == 2;
    const bool is422 = chromaSingle && c[0].h_samp_factor == 2 && c[0].v_samp_factor == 1;
    header.raw = (is420 || is422) && info.jpeg_color_space == JCS_YCbCr;
    // 4:2:2 chroma rows are averaged in pairs, and at 1/8 an MCU row holds a single one.
    header.maxDenominator = header.raw ? (is420 ? 8 : 4) : 1;
    maxDenominator_ = header.maxDenominator;
    return true;
}

bool JpegDecoder::decode(PixelBuffer& out, int denominator)
{
    if (!started_ || out.format() != VideoPixelFormat::I420)
        return false;
    const jpeg_decompress_struct& info = codec_->info;
    const int width = static_cast<int>(info.image_width);
    const int height = static_cast<int>(info.image_height);
    const bool raw = maxDenominator_ > 1;
    if (out.width() != scaledSize(width, denominator) ||
        out.height() != scaledSize(height, denominator) ||
        (denominator != 1 && denominator != 2 && denominator != 4 && denominator != 8) ||
        denominator > maxDenominator_) {
        jpeg_abort_decompress(&codec_->info);
        started_ = false;
        return false;
    }
    const bool ok = raw ? decodeRaw(out, denominator) : decodeFallback(out);
    started_ = false;
    return ok;
}

bool JpegDecoder::decodeI420(const std::uint8_t* data, std::size_t size, PixelBuffer& out)
{
    Header header;
    if (!start(data, size, header))
        return false;
    int denominator = 1;
    while (denominator < header.maxDenominator &&
           scaledSize(header.width, denominator) != out.width())
        denominator *= 2;
    return decode(out, denominator);
}

bool JpegDecoder::decodeFallback(PixelBuffer& out)
{
    jpeg_abort_decompress(&codec_->info);
    return libyuv::MJPGToI420(data_, size_, out.y(), out.strideY(), out.u(), out.strideU(), out.v(),
                              out.strideV(), out.width(), out.height(), out.width(),
                              out.height()) == 0;
}

// The raw path. Each jpeg_read_raw_data() call yields one MCU row: for every component,
// v_samp_factor * DCT_scaled_size rows of width_in_blocks * DCT_scaled_size samples. They go to
// scratch rows (one band, cache-resident) and are then copied to the planes, dropping padding
// past a plane's width or height. Writing them in place instead was measured 1.3x slower at
// 1080p (2.44 vs 1.64 ms, libyuv 1.70-1.90 ms): the IDCT's 8-byte stores spread over 16 rows of
// a 3 MB picture cost more than one sequential copy of a warm band. Re-measured against libyuv
// in one process, alternating (2026-11, 4:2:0 1080p, a shared machine): in place 0.97-0.98x in
// one run, 1.04-1.07x in the next ones as the load changed; this copy stayed at 0.99-1.01x, so
// it stays. Chroma may come out denser than I420's. That happens for 4:2:2 (full-height chroma) and
// when scaling: libjpeg then decodes chroma at a larger DCT size rather than upsample it later
// (jpeg_calc_output_dimensions), so at 1/2 a 4:2:0 picture's chroma arrives at luma resolution.
// Such chroma is averaged down 2:1 per direction.
bool JpegDecoder::decodeRaw(PixelBuffer& out, int denominator)
{
    jpeg_decompress_struct& info = codec_->info;
    info.raw_data_out = TRUE;
    info.dct_method = JDCT_IFAST; // as libyuv's MJPEG decoder, the baseline we measure against
    info.do_fancy_upsampling = FALSE;
    info.do_block_smoothing = FALSE;
    info.scale_num = 1;
    info.scale_denom = static_cast<unsigned int>(denominator);

    // Nothing with a destructor may live between setjmp and a longjmp into it.
    std::array<std::uint8_t*, 3> planeData{out.y(), out.u(), out.v()};
    std::array<int, 3> planeStride{out.strideY(), out.strideU(), out.strideV()};
    std::array<int, 3> planeWidth{out.width(), out.chromaWidth(), out.chromaWidth()};
    std::array<int, 3> planeHeight{out.height(), out.chromaHeight(), out.chromaHeight()};
    std::array<int, 3> rowsPerCall{};
    std::array<int, 3> paddedWidth{};
    std::array<int, 3> sampleWidth{};  // real samples per row (downsampled_width)
    std::array<int, 3> sampleHeight{}; // real rows (downsampled_height)
    std::array<int, 3> xFactor{};      // 1: I420 density, 2: twice as dense
    std::array<int, 3> yFactor{};
    std::array<std::uint8_t*, 3> scratchBase{};
    std::array<std::array<JSAMPROW, 16>, 3> rows{};
    std::array<JSAMPARRAY, 3> planes{rows[0].data(), rows[1].data(), rows[2].data()};
    std::size_t scratchRowBytes = 0;

    if (setjmp(codec_->errors.jump) != 0) { // NOLINT(cert-err52-cpp): libjpeg's error model
        jpeg_abort_decompress(&info);
        return false;
    }
    if (!jpeg_start_decompress(&info))
        return false;
    if (static_cast<int>(info.output_width) != out.width() ||
        static_cast<int>(info.output_height) != out.height()) {
        jpeg_abort_decompress(&info);
        return false;
    }
    const jpeg_component_info* comp = info.comp_info;
    const int lumaScaled = comp[0].DCT_scaled_size;
    std::size_t scratchRows = 0;
    for (int c = 0; c < 3; ++c) {
        const int scaled = comp[c].DCT_scaled_size;
        rowsPerCall[c] = comp[c].v_samp_factor * scaled;
        paddedWidth[c] = static_cast<int>(comp[c].width_in_blocks) * scaled;
        sampleWidth[c] = static_cast<int>(comp[c].downsampled_width);
        sampleHeight[c] = static_cast<int>(comp[c].downsampled_height);
        // Samples per luma sample, relative to I420 (luma 1, chroma 1/2).
        const int wantX = c == 0 ? 1 : 2;
        xFactor[c] = wantX * comp[c].h_samp_factor * scaled / (info.max_h_samp_factor * lumaScaled);
        yFactor[c] = wantX * comp[c].v_samp_factor * scaled / (info.max_v_samp_factor * lumaScaled);
        if (xFactor[c] < 1 || xFactor[c] > 2 || yFactor[c] < 1 || yFactor[c] > 2 ||
            rowsPerCall[c] > 16 || (yFactor[c] == 2 && rowsPerCall[c] % 2 != 0)) {
            jpeg_abort_decompress(&info); // a layout this path does not handle
            return false;
        }
        scratchRowBytes = std::max(scratchRowBytes, static_cast<std::size_t>(paddedWidth[c]));
        scratchRows += static_cast<std::size_t>(rowsPerCall[c]);
    }
    scratchRowBytes = ImageArena::roundUp(scratchRowBytes);
    if (scratch_.size() < scratchRowBytes * scratchRows)
        scratch_.resize(scratchRowBytes * scratchRows); // first picture of a size only
    scratchBase[0] = scratch_.data();
    scratchBase[1] = scratchBase[0] + scratchRowBytes * rowsPerCall[0];
    scratchBase[2] = scratchBase[1] + scratchRowBytes * rowsPerCall[1];

    std::array<int, 3> firstRow{}; // first component row of this MCU row
    while (info.output_scanline < info.output_height) {
        for (int c = 0; c < 3; ++c) {
            for (int r = 0; r < rowsPerCall[c]; ++r)
                rows[c][r] = scratchBase[c] + scratchRowBytes * r;
        }
        if (jpeg_read_raw_data(&info, planes.data(), static_cast<JDIMENSION>(rowsPerCall[0])) == 0)
            break; // suspended: cannot happen with an in-memory source
        for (int c = 0; c < 3; ++c) {
            // Whole bands of dense chroma go through libyuv's SIMD 2:1 box filters; odd edges
            // (a last odd row or column) take the scalar loop below.
            const int available = std::min(rowsPerCall[c], sampleHeight[c] - firstRow[c]);
            const int outFirst = firstRow[c] / yFactor[c];
            if (yFactor[c] == 2 && available > 0 && available % 2 == 0 &&
                outFirst + available / 2 <= planeHeight[c]) {
                std::uint8_t* dst =
                        planeData[c] + static_cast<std::ptrdiff_t>(outFirst) * planeStride[c];
                const int stride = static_cast<int>(scratchRowBytes);
                if (xFactor[c] == 1) {
                    libyuv::InterpolatePlane(scratchBase[c], 2 * stride, scratchBase[c] + stride,
                                             2 * stride, dst, planeStride[c], planeWidth[c],
                                             available / 2, 128);
                    continue;
                }
                if (sampleWidth[c] == 2 * planeWidth[c]) {
                    libyuv::ScalePlane(scratchBase[c], stride, sampleWidth[c], available, dst,
                                       planeStride[c], planeWidth[c], available / 2,
                                       libyuv::kFilterBox);
                    continue;
                }
            }
            for (int r = 0; r < rowsPerCall[c]; r += yFactor[c]) {
                const int row = firstRow[c] + r;
                const int outRow = row / yFactor[c];
                if (row >= sampleHeight[c] || outRow >= planeHeight[c])
                    break;
                const std::uint8_t* a = rows[c][r];
                // An odd last row has no partner: its scratch neighbour is stale.
                const std::uint8_t* b =
                        yFactor[c] == 2 && row + 1 < sampleHeight[c] ? rows[c][r + 1] : a;
                std::uint8_t* dst =
                        planeData[c] + static_cast<std::ptrdiff_t>(outRow) * planeStride[c];
                if (xFactor[c] == 1 && yFactor[c] == 1) {
                    std::memcpy(dst, a, static_cast<std::size_t>(planeWidth[c]));
                } else if (xFactor[c] == 1) {
                    for (int x = 0; x < planeWidth[c]; ++x)
                        dst[x] = static_cast<std::uint8_t>((a[x] + b[x] + 1) >> 1);
                } else {
                    const int lastX = sampleWidth[c] - 1;
                    for (int x = 0; x < planeWidth[c]; ++x) {
                        const int x0 = 2 * x;
                        const int x1 = std::min(x0 + 1, lastX);
                        dst[x] =
                                static_cast<std::uint8_t>((a[x0] + a[x1] + b[x0] + b[x1] + 2) >> 2);
                    }
                }
            }
        }
        for (int c = 0; c < 3; ++c)
            firstRow[c] += rowsPerCall[c];
    }
    jpeg_finish_decompress(&info);
    return true;
}

} // namespace usermedia
