# The Debian package, through CPack's DEB generator: what cmake/DeepextInstall.cmake installs, under /usr.
# scripts/package.sh makes the release build and runs cpack; scripts/check-package.sh checks the result.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME deepext)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# The maintainer of the release, as the changelog's newest entry records it.
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${DEEPEXT_RELEASE_MAINTAINER}")
# "science": where Debian files machine-learning tools of this kind (llama.cpp, for one); "utils" is for small
# general-purpose system utilities.
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
if(DEEPEXT_PROJECT_URL)
    set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${DEEPEXT_PROJECT_URL}")
endif()
# The libraries the programs link come from dpkg-shlibdeps; Qt's SVG plugins (the icons are SVG) are loaded at run
# time, so no linker dependency names them.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# deepext_<version>_<architecture>.deb (no Debian revision: the package is built from this source as it is).
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The long description: lines of at most 72 characters, as Debian's policy asks (lintian checks for 80).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "merge LoRA adapters into their base models and deploy them to Ollama
DeepExtension Desktop turns a fine-tuned LoRA adapter into a runnable
model on a plain CPU workstation, without Python, Docker or a GPU. It
merges a PEFT LoRA adapter (as PEFT, TRL, LLaMA-Factory, unsloth and
axolotl write it) into its Hugging Face base model, streaming in bounded
memory, keeps the result as a self-contained model folder with a model
card, verifies its files, and deploys it to a local or remote Ollama
server, with or without quantization.

This package contains the desktop application (deepext) and the command
line (deepext-cli), which work on the same workspace.")
include(CPack)
