#include "response/Quarantine.h"

#include "common/Files.h"
#include "common/Text.h"
#include "crypto/Random.h"
#include "proto/Envelope.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/openat2.h>
#include <memory>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace yagura::agent {

namespace {
constexpr std::size_t kChunk = 1 << 20;
constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;
constexpr char kMagic[8] = {'Y', 'Q', 'U', 'A', 'R', '0', '0', '1'};
// Larger files are refused: the copy is made on the agent's disk while its loop waits.
constexpr std::uint64_t kMaxQuarantineBytes = 1ULL << 30;

struct CipherFree {
    void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
struct DigestFree {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

class Fd {
public:
    explicit Fd(int fd = -1) : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

Error ioError(const std::string& what) {
    return makeError(ErrorCode::Io, what + ": " + std::strerror(errno));
}

bool writeAll(int fd, const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    while (size > 0) {
        const ssize_t written = ::write(fd, bytes, size);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        bytes += written;
        size -= static_cast<std::size_t>(written);
    }
    return true;
}

// Reads up to `size` bytes (fewer only at the end of the file); -1 on error.
ssize_t readFully(int fd, void* data, std::size_t size) {
    auto* bytes = static_cast<unsigned char*>(data);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t got = ::read(fd, bytes + done, size - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        done += static_cast<std::size_t>(got);
    }
    return static_cast<ssize_t>(done);
}

// One chunk: a fresh nonce, the ciphertext, the tag; the chunk's index is authenticated so
// chunks cannot be reordered, and the last chunk is marked so the file cannot be truncated.
bool sealChunk(const std::string& key, std::uint64_t index, bool last, const unsigned char* plain,
               std::size_t size, int out) {
    auto nonce = crypto::randomBytes(kNonce);
    if (!nonce.ok())
        return false;
    std::unique_ptr<EVP_CIPHER_CTX, CipherFree> context(EVP_CIPHER_CTX_new());
    unsigned char aad[9];
    std::memcpy(aad, &index, 8);
    aad[8] = last ? 1 : 0;
    std::vector<unsigned char> cipher(size + 16);
    int length = 0;
    int total = 0;
    unsigned char tag[kTag];
    if (EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr,
                           reinterpret_cast<const unsigned char*>(key.data()),
                           reinterpret_cast<const unsigned char*>(nonce->data())) != 1 ||
        EVP_EncryptUpdate(context.get(), nullptr, &length, aad, sizeof aad) != 1 ||
        EVP_EncryptUpdate(context.get(), cipher.data(), &length, plain, static_cast<int>(size)) !=
            1)
        return false;
    total = length;
    if (EVP_EncryptFinal_ex(context.get(), cipher.data() + total, &length) != 1 ||
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTag, tag) != 1)
        return false;
    total += length;
    const std::uint32_t chunkSize = static_cast<std::uint32_t>(total);
    return writeAll(out, &chunkSize, sizeof chunkSize) && writeAll(out, nonce->data(), kNonce) &&
           writeAll(out, cipher.data(), static_cast<std::size_t>(total)) &&
           writeAll(out, tag, kTag);
}

std::string hexDigest(EVP_MD_CTX* digest) {
    unsigned char bytes[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(digest, bytes, &length);
    return text::toHex(std::string_view(reinterpret_cast<const char*>(bytes), length));
}

// The folder `directory` (absolute) without following any symbolic link on the way: a link
// swapped in while the agent works cannot send it elsewhere. -1 with errno set on failure.
int openDirectoryNoLinks(const std::filesystem::path& directory) {
    open_how how{};
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    return static_cast<int>(::syscall(SYS_openat2, AT_FDCWD, directory.c_str(), &how, sizeof how));
}

bool validId(const std::string& id) {
    return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}
} // namespace

Quarantine::Quarantine(std::filesystem::path directory) : m_directory(std::move(directory)) {}

Result<std::string> Quarantine::key() {
    if (!m_key.empty())
        return m_key;
    YAGURA_TRY(files::ensureDirectory(m_directory, 0700));
    const auto path = m_directory / "quarantine.key";
    if (!std::filesystem::exists(path)) {
        YAGURA_ASSIGN_OR_RETURN(const std::string fresh, crypto::randomBytes(32));
        YAGURA_TRY(files::writeFileAtomic(path, fresh, 0600));
    }
    YAGURA_ASSIGN_OR_RETURN(m_key, files::readFile(path, 64));
    if (m_key.size() != 32)
        return makeError(ErrorCode::Corrupt, "quarantine: " + path.string() + " is not a key");
    return m_key;
}

Result<proto::QuarantineItem> Quarantine::quarantine(const std::string& path,
                                                     const std::string& reason,
                                                     std::uint64_t commandId,
                                                     std::int64_t nowUnix) {
    if (path.empty() || path.front() != '/' || path.find('\0') != std::string::npos)
        return makeError(ErrorCode::InvalidArgument,
                         "quarantine: '" + path + "' is not an absolute path");
    if (std::string copy = path; protocol::makeUtf8(copy))
        return makeError(ErrorCode::InvalidArgument,
                         "quarantine: the file name is not valid UTF-8 (" + copy +
                             "); quarantine cannot record it");
    std::error_code ec;
    YAGURA_ASSIGN_OR_RETURN(const std::string secret, key());
    // Everything below goes through the file's folder, opened once without following links:
    // the file copied is the file removed, whatever is renamed or linked meanwhile.
    const std::filesystem::path file(path);
    const std::string name = file.filename().string();
    if (name.empty() || name == "." || name == "..")
        return makeError(ErrorCode::InvalidArgument, "quarantine: '" + path + "' names no file");
    Fd folder(openDirectoryNoLinks(file.parent_path()));
    if (folder.get() < 0)
        return errno == ENOENT ? makeError(ErrorCode::NotFound, "quarantine: no file " + path)
               : errno == ELOOP
                   ? makeError(ErrorCode::InvalidArgument,
                               "quarantine: the path to " + path +
                                   " goes through a symbolic link; give the file's real path")
                   : ioError("quarantine: cannot open the folder of " + path);
    struct stat folderInfo {};
    struct stat quarantineInfo {};
    if (::fstat(folder.get(), &folderInfo) != 0)
        return ioError("quarantine: cannot stat the folder of " + path);
    if (::stat(m_directory.c_str(), &quarantineInfo) == 0 &&
        folderInfo.st_dev == quarantineInfo.st_dev && folderInfo.st_ino == quarantineInfo.st_ino)
        return makeError(ErrorCode::InvalidArgument,
                         "quarantine: refusing a file inside the quarantine");
    Fd in(::openat(folder.get(), name.c_str(),
                   O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (in.get() < 0)
        return errno == ENOENT ? makeError(ErrorCode::NotFound, "quarantine: no file " + path)
               : errno == ELOOP
                   ? makeError(ErrorCode::InvalidArgument,
                               "quarantine: " + path + " is a symbolic link; name the file itself")
                   : ioError("quarantine: cannot open " + path);
    struct stat info {};
    if (::fstat(in.get(), &info) != 0)
        return ioError("quarantine: cannot stat " + path);
    if (!S_ISREG(info.st_mode))
        return makeError(ErrorCode::InvalidArgument,
                         "quarantine: " + path + " is not a regular file");
    if (static_cast<std::uint64_t>(info.st_size) > kMaxQuarantineBytes)
        return makeError(ErrorCode::InvalidArgument,
                         "quarantine: " + path + " has " + std::to_string(info.st_size) +
                             " bytes; the quarantine takes files up to 1 GiB");

    YAGURA_ASSIGN_OR_RETURN(const std::string random, crypto::randomBytes(16));
    proto::QuarantineItem item;
    item.set_id(text::toHex(random));
    item.set_path(path);
    item.set_uid(info.st_uid);
    item.set_gid(info.st_gid);
    item.set_mode(info.st_mode & 07777);
    item.set_size(static_cast<std::uint64_t>(info.st_size));
    item.set_mtime_ns(info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec);
    item.set_quarantined_at_unix(static_cast<std::uint64_t>(nowUnix));
    item.set_command_id(commandId);
    item.set_reason(reason);
    item.set_directory_device(folderInfo.st_dev);
    item.set_directory_inode(folderInfo.st_ino);

    const auto dataPath = m_directory / (item.id() + ".bin");
    const auto partial = m_directory / (item.id() + ".partial");
    {
        Fd out(::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        if (out.get() < 0)
            return ioError("quarantine: cannot create " + partial.string());
        std::unique_ptr<EVP_MD_CTX, DigestFree> digest(EVP_MD_CTX_new());
        EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr);
        std::vector<unsigned char> buffer(kChunk);
        bool ok = writeAll(out.get(), kMagic, sizeof kMagic);
        std::uint64_t index = 0;
        while (ok) {
            const ssize_t got = readFully(in.get(), buffer.data(), buffer.size());
            if (got < 0) {
                ok = false;
                break;
            }
            EVP_DigestUpdate(digest.get(), buffer.data(), static_cast<std::size_t>(got));
            const bool last = static_cast<std::size_t>(got) < buffer.size();
            ok = sealChunk(secret, index++, last, buffer.data(), static_cast<std::size_t>(got),
                           out.get());
            if (last)
                break;
        }
        item.set_sha256(hexDigest(digest.get()));
        if (!ok || ::fsync(out.get()) != 0) {
            std::filesystem::remove(partial, ec);
            return ioError("quarantine: cannot write the encrypted copy of " + path);
        }
    }
    if (auto saved = files::writeFileAtomic(m_directory / (item.id() + ".meta"),
                                            item.SerializeAsString(), 0600);
        !saved.ok()) {
        std::filesystem::remove(partial, ec);
        return saved.error();
    }
    std::filesystem::rename(partial, dataPath, ec);
    if (ec) {
        std::filesystem::remove(partial, ec);
        std::filesystem::remove(m_directory / (item.id() + ".meta"), ec);
        return makeError(ErrorCode::Io, "quarantine: cannot store the encrypted copy");
    }
    // Only now, with the copy safe, does the original go: the same file (device and inode) in the
    // same folder, or nothing.
    struct stat still {};
    if (::fstatat(folder.get(), name.c_str(), &still, AT_SYMLINK_NOFOLLOW) != 0 ||
        still.st_dev != info.st_dev || still.st_ino != info.st_ino) {
        std::filesystem::remove(dataPath, ec);
        std::filesystem::remove(m_directory / (item.id() + ".meta"), ec);
        return makeError(ErrorCode::Conflict, "quarantine: " + path +
                                                  " was replaced while it was copied; nothing "
                                                  "was removed");
    }
    if (::unlinkat(folder.get(), name.c_str(), 0) != 0) {
        const Error error =
            ioError("quarantine: the copy is stored but " + path + " could not be removed");
        std::filesystem::remove(dataPath, ec);
        std::filesystem::remove(m_directory / (item.id() + ".meta"), ec);
        return error;
    }
    return item;
}

Result<proto::QuarantineItem> Quarantine::restore(const std::string& id) {
    if (!validId(id))
        return makeError(ErrorCode::InvalidArgument,
                         "restore: '" + id + "' is not a quarantine id");
    const auto metaPath = m_directory / (id + ".meta");
    const auto dataPath = m_directory / (id + ".bin");
    if (!std::filesystem::exists(metaPath))
        return makeError(ErrorCode::NotFound, "restore: no quarantined file " + id);
    YAGURA_ASSIGN_OR_RETURN(const std::string secret, key());
    YAGURA_ASSIGN_OR_RETURN(const std::string metaBytes, files::readFile(metaPath, 1 << 20));
    proto::QuarantineItem item;
    if (!item.ParseFromString(metaBytes))
        return makeError(ErrorCode::Corrupt, "restore: the record of " + id + " is damaged");
    const std::filesystem::path target(item.path());
    const std::string name = target.filename().string();
    // Back into the folder it came from, reached without links, or not at all.
    Fd folder(openDirectoryNoLinks(target.parent_path()));
    if (folder.get() < 0)
        return makeError(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::InvalidArgument,
                         "restore: the folder " + target.parent_path().string() +
                             (errno == ENOENT ? " no longer exists"
                                              : " is not reachable without a symbolic link") +
                             "; nothing was restored");
    struct stat folderInfo {};
    if (::fstat(folder.get(), &folderInfo) != 0 ||
        (item.directory_inode() != 0 && (folderInfo.st_dev != item.directory_device() ||
                                         folderInfo.st_ino != item.directory_inode())))
        return makeError(ErrorCode::Conflict, "restore: " + target.parent_path().string() +
                                                  " is not the folder the file was taken from; "
                                                  "nothing was restored");
    struct stat existing {};
    if (::fstatat(folder.get(), name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0)
        return makeError(ErrorCode::AlreadyExists,
                         "restore: " + item.path() + " exists; nothing was overwritten");
    const std::string temporaryName = ".yagura-restore-" + id + "-" + name;
    std::error_code ec;
    auto removeTemporary = [&] {
        ::unlinkat(folder.get(), temporaryName.c_str(), 0);
    };
    {
        Fd in(::open(dataPath.c_str(), O_RDONLY | O_CLOEXEC));
        if (in.get() < 0)
            return ioError("restore: cannot open the encrypted copy");
        Fd out(::openat(folder.get(), temporaryName.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (out.get() < 0)
            return ioError("restore: cannot write in " + target.parent_path().string());
        auto fail = [&](const std::string& why) {
            removeTemporary();
            return makeError(ErrorCode::Corrupt, "restore: " + why + "; nothing was restored");
        };
        char magic[sizeof kMagic];
        if (readFully(in.get(), magic, sizeof magic) != sizeof magic ||
            std::memcmp(magic, kMagic, sizeof magic) != 0)
            return fail("the encrypted copy is not a quarantine file");
        std::unique_ptr<EVP_MD_CTX, DigestFree> digest(EVP_MD_CTX_new());
        EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr);
        std::vector<unsigned char> cipher(kChunk + 16);
        std::vector<unsigned char> plain(kChunk + 16);
        bool sawLast = false;
        for (std::uint64_t index = 0; !sawLast; ++index) {
            std::uint32_t size = 0;
            unsigned char nonce[kNonce];
            unsigned char tag[kTag];
            if (readFully(in.get(), &size, sizeof size) != sizeof size || size > cipher.size() ||
                readFully(in.get(), nonce, kNonce) != static_cast<ssize_t>(kNonce) ||
                readFully(in.get(), cipher.data(), size) != static_cast<ssize_t>(size) ||
                readFully(in.get(), tag, kTag) != static_cast<ssize_t>(kTag))
                return fail("the encrypted copy is truncated");
            // Chunks are full except the last: a short one is the last one.
            const bool last = size < kChunk;
            std::unique_ptr<EVP_CIPHER_CTX, CipherFree> context(EVP_CIPHER_CTX_new());
            unsigned char aad[9];
            std::memcpy(aad, &index, 8);
            aad[8] = last ? 1 : 0;
            int length = 0;
            int total = 0;
            if (EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr,
                                   reinterpret_cast<const unsigned char*>(secret.data()),
                                   nonce) != 1 ||
                EVP_DecryptUpdate(context.get(), nullptr, &length, aad, sizeof aad) != 1 ||
                EVP_DecryptUpdate(context.get(), plain.data(), &length, cipher.data(),
                                  static_cast<int>(size)) != 1)
                return fail("the encrypted copy cannot be decrypted");
            total = length;
            if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag) != 1 ||
                EVP_DecryptFinal_ex(context.get(), plain.data() + total, &length) != 1)
                return fail("the encrypted copy was altered (authentication failed)");
            total += length;
            EVP_DigestUpdate(digest.get(), plain.data(), static_cast<std::size_t>(total));
            if (!writeAll(out.get(), plain.data(), static_cast<std::size_t>(total)))
                return fail("cannot write in " + target.parent_path().string());
            sawLast = last;
        }
        if (hexDigest(digest.get()) != item.sha256())
            return fail("the content does not match its SHA-256");
        const timespec times[2] = {{0, UTIME_OMIT},
                                   {static_cast<time_t>(item.mtime_ns() / 1'000'000'000LL),
                                    static_cast<long>(item.mtime_ns() % 1'000'000'000LL)}};
        if (::fchown(out.get(), item.uid(), item.gid()) != 0 ||
            ::fchmod(out.get(), static_cast<mode_t>(item.mode())) != 0 ||
            ::futimens(out.get(), times) != 0 || ::fsync(out.get()) != 0) {
            const Error error = ioError("restore: cannot set owner, mode or time");
            removeTemporary();
            return error;
        }
    }
    // No overwrite, even of a file that appeared meanwhile.
    if (::renameat2(folder.get(), temporaryName.c_str(), folder.get(), name.c_str(),
                    RENAME_NOREPLACE) != 0) {
        const Error error = ioError("restore: cannot put the file at " + item.path());
        removeTemporary();
        return error;
    }
    std::filesystem::remove(dataPath, ec);
    std::filesystem::remove(metaPath, ec);
    return item;
}

Result<std::vector<proto::QuarantineItem>> Quarantine::list() const {
    std::vector<proto::QuarantineItem> items;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(m_directory, ec)) {
        if (entry.path().extension() != ".meta")
            continue;
        auto bytes = files::readFile(entry.path(), 1 << 20);
        proto::QuarantineItem item;
        if (bytes.ok() && item.ParseFromString(*bytes))
            items.push_back(std::move(item));
    }
    return items;
}

} // namespace yagura::agent
