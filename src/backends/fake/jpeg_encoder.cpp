// SPDX-License-Identifier: MIT
#include "backends/fake/jpeg_encoder.h"

#include <algorithm>
#include <array>
#include <csetjmp>
#include <cstdio>
#include <string>

#include <jpeglib.h>

namespace usermedia::fake {
namespace {

int alignUp(int value, int alignment)
{
    return (value + alignment - 1) / alignment * alignment;
}

// libjpeg's default error handler calls exit(); ours jumps back to encode() instead.
struct ErrorManager
{
    jpeg_error_mgr base{};
    std::jmp_buf jump{};
    std::array<char, JMSG_LENGTH_MAX> message{};
};

void onJpegError(j_common_ptr info)
{
    auto* errors = reinterpret_cast<ErrorManager*>(info->err);
    (*info->err->format_message)(info, errors->message.data());
    std::longjmp(errors->jump, 1);
}

// Writes into a std::vector that only grows, so a steady stream of frames reuses one buffer.
struct VectorDestination
{
    jpeg_destination_mgr base{};
    std::vector<std::uint8_t>* buffer = nullptr;
    std::size_t size = 0;
};

void initDestination(j_compress_ptr info)
{
    auto* dest = reinterpret_cast<VectorDestination*>(info->dest);
    dest->base.next_output_byte = dest->buffer->data();
    dest->base.free_in_buffer = dest->buffer->size();
}

boolean growDestination(j_compress_ptr info)
{
    auto* dest = reinterpret_cast<VectorDestination*>(info->dest);
    const std::size_t used = dest->buffer->size();
    dest->buffer->resize(used * 2);
    dest->base.next_output_byte = dest->buffer->data() + used;
    dest->base.free_in_buffer = dest->buffer->size() - used;
    return TRUE;
}

void termDestination(j_compress_ptr info)
{
    auto* dest = reinterpret_cast<VectorDestination*>(info->dest);
    dest->size = dest->buffer->size() - dest->base.free_in_buffer;
}

} // namespace

struct JpegEncoder::Codec
{
    jpeg_compress_struct info{};
    ErrorManager errors{};
    VectorDestination destination{};
};

JpegEncoder::JpegEncoder(int width, int height, int quality)
    : quality_(quality),
      codec_(std::make_unique<Codec>())
{
    width = std::max(width, 1);
    height = std::max(height, 1);
    // libjpeg reads whole 8x8 blocks of each plane (16x16 luma per 4:2:0 MCU): pad the strides
    // so those reads stay inside the planes; rows past the end repeat the last row.
    const int chromaWidth = (width + 1) / 2;
    const int chromaHeight = (height + 1) / 2;
    const int strideY = alignUp(width, 16);
    const int strideC = alignUp(chromaWidth, 8);
    const std::size_t sizeY = std::size_t(strideY) * height;
    const std::size_t sizeC = std::size_t(strideC) * chromaHeight;
    planes_.assign(sizeY + 2 * sizeC, 0);
    canvas_ = I420Canvas{planes_.data(),
                         strideY,
                         planes_.data() + sizeY,
                         strideC,
                         planes_.data() + sizeY + sizeC,
                         strideC,
                         width,
                         height};
    // Pictures with flat areas compress well below their raw size; the buffer grows if not.
    output_.resize(sizeY + 2 * sizeC + 4096);

    Codec& codec = *codec_;
    codec.info.err = jpeg_std_error(&codec.errors.base);
    codec.errors.base.error_exit = onJpegError;
    jpeg_create_compress(&codec.info);
    codec.destination.base.init_destination = initDestination;
    codec.destination.base.empty_output_buffer = growDestination;
    codec.destination.base.term_destination = termDestination;
    codec.destination.buffer = &output_;
    codec.info.dest = &codec.destination.base;
}

JpegEncoder::~JpegEncoder()
{
    jpeg_destroy_compress(&codec_->info);
}

Result<std::span<const std::uint8_t>> JpegEncoder::encode()
{
    jpeg_compress_struct& info = codec_->info;
    // Nothing with a destructor may live between setjmp and a longjmp into it.
    if (setjmp(codec_->errors.jump) != 0) {
        jpeg_abort_compress(&info);
        return Error{ErrorName::NotReadableError,
                     std::string("fake: JPEG compression failed: ") + codec_->errors.message.data(),
                     {},
                     0};
    }
    info.image_width = static_cast<JDIMENSION>(canvas_.width);
    info.image_height = static_cast<JDIMENSION>(canvas_.height);
    info.input_components = 3;
    info.in_color_space = JCS_YCbCr;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality_, TRUE);
    info.raw_data_in = TRUE;
    info.dct_method = JDCT_IFAST;
    info.comp_info[0].h_samp_factor = 2;
    info.comp_info[0].v_samp_factor = 2;
    for (int c = 1; c < 3; ++c) {
        info.comp_info[c].h_samp_factor = 1;
        info.comp_info[c].v_samp_factor = 1;
    }
    jpeg_start_compress(&info, TRUE);

    constexpr int kRowsY = 2 * DCTSIZE;
    constexpr int kRowsC = DCTSIZE;
    std::array<JSAMPROW, kRowsY> rowsY{};
    std::array<JSAMPROW, kRowsC> rowsU{};
    std::array<JSAMPROW, kRowsC> rowsV{};
    std::array<JSAMPARRAY, 3> planes{rowsY.data(), rowsU.data(), rowsV.data()};
    const int lastY = canvas_.height - 1;
    const int lastC = (canvas_.height + 1) / 2 - 1;
    while (info.next_scanline < info.image_height) {
        const int top = static_cast<int>(info.next_scanline);
        for (int i = 0; i < kRowsY; ++i)
            rowsY[i] = canvas_.y + std::ptrdiff_t(std::min(top + i, lastY)) * canvas_.strideY;
        for (int i = 0; i < kRowsC; ++i) {
            const int row = std::min(top / 2 + i, lastC);
            rowsU[i] = canvas_.u + std::ptrdiff_t(row) * canvas_.strideU;
            rowsV[i] = canvas_.v + std::ptrdiff_t(row) * canvas_.strideV;
        }
        jpeg_write_raw_data(&info, planes.data(), kRowsY);
    }
    jpeg_finish_compress(&info);
    return std::span<const std::uint8_t>(output_.data(), codec_->destination.size);
}

} // namespace usermedia::fake
