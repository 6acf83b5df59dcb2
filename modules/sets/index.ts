import { RedisModule } from '../../kernel';

@RedisModule({ name: 'sets' })
export default class SetsModule {}
