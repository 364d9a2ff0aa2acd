# Every Yagura target links yagura::settings: warnings, hardening and sanitizers live here,
# never as global flags, so third-party code is not affected and nothing leaks between targets.
add_library(yagura_settings INTERFACE)
add_library(yagura::settings ALIAS yagura_settings)

target_compile_features(yagura_settings INTERFACE cxx_std_20)
target_compile_options(yagura_settings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Woverloaded-virtual -Wconversion -Wno-sign-conversion
    -Wformat=2 -Wimplicit-fallthrough
    $<$<BOOL:${YAGURA_WERROR}>:-Werror>
    -fstack-protector-strong
    -fstack-clash-protection
    -fcf-protection
)
# _FORTIFY_SOURCE needs optimisation; Debug builds skip it rather than warn.
target_compile_definitions(yagura_settings INTERFACE
    $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>
    _GLIBCXX_ASSERTIONS
)
# PIE comes from CMAKE_POSITION_INDEPENDENT_CODE (-fPIE for our executables, -fPIC for
# libraries). Never add -fPIE by hand: Qt is built with -reduce-relocations and needs -fPIC in
# code that uses it, and a later -fPIE on the command line silently overrides Qt's -fPIC —
# signal/slot connections then crash at start-up.
target_link_options(yagura_settings INTERFACE -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack)

if(YAGURA_SANITIZE)
    target_compile_options(yagura_settings INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(yagura_settings INTERFACE -fsanitize=address,undefined)
endif()

# Generated code (protobuf) gets the hardening but not our warning policy.
add_library(yagura_generated_settings INTERFACE)
add_library(yagura::generated_settings ALIAS yagura_generated_settings)
target_compile_options(yagura_generated_settings INTERFACE
    -fstack-protector-strong -fstack-clash-protection -fcf-protection -w)
target_compile_definitions(yagura_generated_settings INTERFACE
    $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
if(YAGURA_SANITIZE)
    target_compile_options(yagura_generated_settings INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer)
endif()
