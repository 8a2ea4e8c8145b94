fn main() -> std::process::ExitCode {
    lisa::main_exit()
}
