import sys

from django.core.management.base import BaseCommand

from bqw.extraction.cli import main


class Command(BaseCommand):
    help = "评估提取效果：bqw extract-eval GOLD.json --texts DIR [--json]"

    def run_from_argv(self, argv):
        sys.exit(main(argv[2:]))
