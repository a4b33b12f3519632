// SPDX-License-Identifier: MIT
#include "sinks/output_file.h"

#include <cerrno>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/sinks/sink_test_support.h"

namespace usermedia {
namespace {

using testing::readFile;
using testing::TempDir;

std::span<const std::uint8_t> bytesOf(const std::string& text)
{
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(OutputFile, AppendsAndPatchesInPlace)
{
    TempDir dir;
    const std::string path = dir.file("out.bin");
    auto file = OutputFile::create(path);
    ASSERT_TRUE(file) << file.error().message;
    ASSERT_TRUE(file->append(bytesOf("hello ")));
    ASSERT_TRUE(file->append(bytesOf("world")));
    EXPECT_EQ(file->size(), 11U);
    ASSERT_TRUE(file->writeAt(0, bytesOf("J")));
    ASSERT_TRUE(file->close());
    const std::vector<std::uint8_t> bytes = readFile(path);
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "Jello world");
}

TEST(OutputFile, TruncatesAnExistingFile)
{
    TempDir dir;
    const std::string path = dir.file("old.bin");
    testing::writeFile(path, std::vector<std::uint8_t>(100, 1));
    auto file = OutputFile::create(path);
    ASSERT_TRUE(file);
    ASSERT_TRUE(file->close());
    EXPECT_TRUE(readFile(path).empty());
}

TEST(OutputFile, PatchingBeyondWhatWasWrittenIsRefused)
{
    TempDir dir;
    auto file = OutputFile::create(dir.file("patch.bin"));
    ASSERT_TRUE(file);
    ASSERT_TRUE(file->append(bytesOf("abcd")));
    Result<void> past = file->writeAt(2, bytesOf("xyz"));
    ASSERT_FALSE(past);
    EXPECT_EQ(past.error().name, ErrorName::InvalidStateError);
}

TEST(OutputFile, WriteErrorsNameThePathAndTheOsReason)
{
    // /dev/full accepts open() and fails every write with ENOSPC.
    auto file = OutputFile::create("/dev/full");
    ASSERT_TRUE(file) << file.error().message;
    Result<void> written = file->append(bytesOf("data"));
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().name, ErrorName::AbortError);
    EXPECT_EQ(written.error().osError, ENOSPC);
    EXPECT_NE(written.error().message.find("'/dev/full'"), std::string::npos);
    EXPECT_NE(written.error().message.find("No space left on device"), std::string::npos)
            << written.error().message;
    EXPECT_EQ(file->size(), 0U);
}

TEST(OutputFile, UseAfterCloseIsInvalidState)
{
    TempDir dir;
    auto file = OutputFile::create(dir.file("closed.bin"));
    ASSERT_TRUE(file);
    ASSERT_TRUE(file->close());
    EXPECT_TRUE(file->close());
    Result<void> late = file->append(bytesOf("x"));
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().name, ErrorName::InvalidStateError);
}

} // namespace
} // namespace usermedia
