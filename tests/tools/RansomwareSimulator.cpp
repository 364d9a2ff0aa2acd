// ransomware-simulator DIR: does to DIR what file-encrypting ransomware does, for the tests of
// the agent's ransomware heuristic. Every regular file directly in DIR is overwritten in place
// with random bytes of the same size (open O_WRONLY|O_TRUNC, write, close), then renamed to
// NAME.locked; then a ransom note HOW_TO_DECRYPT_FILES.txt is written into DIR. Prints
// "done N" (N files) and exits 0. Only for throw-away test directories: the files are destroyed.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

bool writeAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t written = ::write(fd, data, size);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        data += written;
        size -= static_cast<std::size_t>(written);
    }
    return true;
}

bool randomBytes(std::vector<char>& buffer) {
    std::size_t filled = 0;
    while (filled < buffer.size()) {
        const ssize_t got = ::getrandom(buffer.data() + filled, buffer.size() - filled, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        filled += static_cast<std::size_t>(got);
    }
    return true;
}

int fail(const std::string& what) {
    std::fprintf(stderr, "ransomware-simulator: %s: %s\n", what.c_str(), std::strerror(errno));
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: ransomware-simulator DIR\n");
        return 2;
    }
    const std::string directory = argv[1];
    DIR* listing = ::opendir(directory.c_str());
    if (listing == nullptr)
        return fail(directory);
    // The list first: the renamed files must not be found again.
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(listing)) {
        const std::string name = entry->d_name;
        struct stat info {};
        if (::fstatat(::dirfd(listing), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(info.st_mode))
            names.push_back(name);
    }
    ::closedir(listing);
    std::sort(names.begin(), names.end());

    std::size_t done = 0;
    std::vector<char> buffer;
    for (const std::string& name : names) {
        const std::string path = directory + "/" + name;
        struct stat info {};
        if (::stat(path.c_str(), &info) != 0)
            return fail(path);
        buffer.resize(static_cast<std::size_t>(info.st_size));
        if (!randomBytes(buffer))
            return fail("getrandom");
        const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0)
            return fail(path);
        const bool written = writeAll(fd, buffer.data(), buffer.size());
        if (::close(fd) != 0 || !written)
            return fail(path);
        if (::rename(path.c_str(), (path + ".locked").c_str()) != 0)
            return fail(path);
        ++done;
    }

    const std::string notePath = directory + "/HOW_TO_DECRYPT_FILES.txt";
    const int note = ::open(notePath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (note < 0)
        return fail(notePath);
    const std::string text = "Your files are encrypted. This is a test of Yagura's ransomware "
                             "heuristic; nothing was sent anywhere.\n";
    const bool written = writeAll(note, text.data(), text.size());
    if (::close(note) != 0 || !written)
        return fail(notePath);

    std::printf("done %zu\n", done);
    std::fflush(stdout);
    return 0;
}
