#include "proto/PolicyText.h"

#include "common/Text.h"

#include <google/protobuf/util/json_util.h>

namespace yagura::protocol {

std::string policyToText(const proto::PolicySpec& spec) {
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.always_print_primitive_fields = true;
    options.preserve_proto_field_names = true;
    std::string out;
    (void)google::protobuf::util::MessageToJsonString(spec, &out, options);
    return out;
}

Result<proto::PolicySpec> policyFromText(std::string_view text) {
    proto::PolicySpec spec;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(text.data(), text.size()), &spec, options);
    if (!status.ok())
        return makeError(ErrorCode::InvalidArgument,
                         "not a policy: " + std::string(status.message()));
    return spec;
}

std::vector<std::string> diffLines(std::string_view before, std::string_view after) {
    const auto a = text::split(before, '\n');
    const auto b = text::split(after, '\n');
    // Policies are a few hundred lines at most: the quadratic table is fine.
    std::vector<std::vector<std::uint32_t>> common(a.size() + 1,
                                                   std::vector<std::uint32_t>(b.size() + 1, 0));
    for (std::size_t i = a.size(); i-- > 0;)
        for (std::size_t j = b.size(); j-- > 0;)
            common[i][j] = a[i] == b[j] ? common[i + 1][j + 1] + 1
                                        : std::max(common[i + 1][j], common[i][j + 1]);
    std::vector<std::string> out;
    std::size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        if (i < a.size() && j < b.size() && a[i] == b[j]) {
            out.push_back("  " + std::string(a[i]));
            ++i;
            ++j;
        } else if (j < b.size() && (i == a.size() || common[i][j + 1] >= common[i + 1][j])) {
            out.push_back("+ " + std::string(b[j++]));
        } else {
            out.push_back("- " + std::string(a[i++]));
        }
    }
    return out;
}

} // namespace yagura::protocol
