#include "common/Files.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace yagura::files {

namespace {
Error ioError(const std::filesystem::path& path, std::string_view what, int err) {
    return makeError(ErrorCode::Io,
                     std::string(what) + " " + path.string() + ": " + std::strerror(err));
}
} // namespace

Result<std::string> readFile(const std::filesystem::path& path, std::size_t maxBytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ioError(path, "cannot open", errno);
    std::string content;
    char buffer[65536];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            ::close(fd);
            return ioError(path, "cannot read", err);
        }
        if (got == 0)
            break;
        content.append(buffer, static_cast<std::size_t>(got));
        if (content.size() > maxBytes) {
            ::close(fd);
            return makeError(ErrorCode::InvalidArgument, path.string() + " is larger than " +
                                                             std::to_string(maxBytes) + " bytes");
        }
    }
    ::close(fd);
    return content;
}

Status writeFileAtomic(const std::filesystem::path& path, std::string_view content, mode_t mode) {
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
    std::string tmpl = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd < 0)
        return ioError(path, "cannot create a temporary file for", errno);
    auto fail = [&](std::string_view what) -> Status {
        const int err = errno;
        ::close(fd);
        ::unlink(tmpl.c_str());
        return ioError(path, what, err);
    };
    if (::fchmod(fd, mode) != 0)
        return fail("cannot set the mode of");
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail("cannot write");
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0)
        return fail("cannot sync");
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmpl.c_str());
        return ioError(path, "cannot close", err);
    }
    if (::rename(tmpl.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmpl.c_str());
        return ioError(path, "cannot replace", err);
    }
    const int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return success();
}

Status ensureDirectory(const std::filesystem::path& path, mode_t mode) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec)
        return makeError(ErrorCode::Io,
                         "cannot create directory " + path.string() + ": " + ec.message());
    if (::chmod(path.c_str(), mode) != 0)
        return ioError(path, "cannot set the mode of", errno);
    return success();
}

Status checkPrivateFile(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return ioError(path, "cannot read", errno);
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return makeError(ErrorCode::PermissionDenied,
                         path.string() +
                             " is readable by other users; it must be mode 0600 (chmod 600)");
    return success();
}

} // namespace yagura::files
