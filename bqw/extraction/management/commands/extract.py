import sys

from django.core.management.base import BaseCommand

from bqw.extraction.cli import extract_main


class Command(BaseCommand):
    help = "从政策文本提取量化目标：bqw extract FILE [--year Y] [--subject NAME] [--json]"

    def run_from_argv(self, argv):
        sys.exit(extract_main(argv[2:]))
