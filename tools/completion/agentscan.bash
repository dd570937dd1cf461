# bash completion for agentscan — subcommands, their flags, files and job names.
# Installed to share/bash-completion/completions/agentscan.

_agentscan_jobs()
{
    local conf=${1:-/etc/agentscan/agentscan.conf}
    [[ -r $conf ]] && sed -n 's/^[[:space:]]*\[job[[:space:]]\{1,\}\([^]]*\)\].*/\1/p' "$conf"
}

_agentscan()
{
    local cur prev words cword
    _init_completion || return
    local cmds="scan hosts export diff deploy-report ports prune merge sweep config install-timer"
    if ((cword == 1)); then
        COMPREPLY=($(compgen -W "$cmds --help --version" -- "$cur"))
        return
    fi
    local cmd=${words[1]} flags=""
    case $prev in
        --db | --into | -o | -oX | -iL | --excludefile | --config | --agents | --deploy-table | \
        --osdb | --oui | --exec)
            _filedir
            return
            ;;
        --unit-dir)
            _filedir -d
            return
            ;;
        --format)
            case $cmd in
                export) COMPREPLY=($(compgen -W "csv json ndjson nmap-xml cmdb" -- "$cur")) ;;
                deploy-report | ports) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
                *) COMPREPLY=($(compgen -W "table json" -- "$cur")) ;;
            esac
            return
            ;;
        --job)
            COMPREPLY=($(compgen -W "$(_agentscan_jobs)" -- "$cur"))
            return
            ;;
    esac
    case $cmd in
        scan) flags="-p -sS -sU -PE -PA -Pn -n --dns-servers -e -S --max-retries --max-rate --min-rate
                     -T0 -T1 -T2 -T3 -T4 -T5 --seed --shard --offline -v -vv --agents
                     --deploy-table -oX -O --osdb -iL --exclude --excludefile --db --help" ;;
        hosts) flags="--scan --format --all --db --help" ;;
        export) flags="--format -o --scan --since --managed --unmanaged --deployable --up
                       --deploy-table --oui --stylesheet --db --help" ;;
        diff) flags="--format --db --help" ;;
        deploy-report) flags="--scan --format --source --deploy-table --db --help" ;;
        ports) flags="--job --config --scan --db --format -p -sS -sU -PE -PA -Pn -O -n --dns-servers -S
                      --help" ;;
        prune) flags="--keep --older-than --dry-run --db --help" ;;
        merge) flags="--into --window --help" ;;
        sweep) flags="--config --wait -v --help" ;;
        config)
            if ((cword == 2)); then
                COMPREPLY=($(compgen -W "check show keys --config --help" -- "$cur"))
                return
            fi
            flags="--config --help" ;;
        install-timer) flags="--config --unit-dir --no-enable --exec --help" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    elif [[ $cmd == sweep || $cmd == install-timer ]]; then
        COMPREPLY=($(compgen -W "$(_agentscan_jobs)" -- "$cur"))
    elif [[ $cmd == merge ]]; then
        _filedir db
    fi
}
complete -F _agentscan agentscan
